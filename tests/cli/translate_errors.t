# vmsim translate: bad usage and bad addresses; all exit with status 2.

# Not a number: the column of the first bad character and what was expected.
$ vmsim translate 0x7ffz
2>
vmsim translate: argument 1 '0x7ffz': column 6: expected a hexadecimal digit
? 2

$ vmsim translate 7ffd
2>
vmsim translate: argument 1 '7ffd': column 2: expected a decimal digit (hexadecimal needs the prefix 0x)
? 2

$ vmsim translate 0x
2>
vmsim translate: argument 1 '0x': column 3: expected a hexadecimal digit
? 2

$ vmsim translate ''
2>
vmsim translate: argument 1 '': expected a number
? 2

$ vmsim translate 12x4
2>
vmsim translate: argument 1 '12x4': column 3: expected a decimal digit (hexadecimal needs the prefix 0x)
? 2

# More than 64 bits.
$ vmsim translate 0x10000000000000000
2>
vmsim translate: argument 1 '0x10000000000000000': does not fit in 64 bits
? 2

$ vmsim translate 18446744073709551616
2>
vmsim translate: argument 1 '18446744073709551616': does not fit in 64 bits
? 2

$ vmsim translate 0xffffffffffffffff | sed -n 1p
address      0xffffffffffffffff (18446744073709551615)
? 0

$ vmsim translate 18446744073709551615 | sed -n 1p
address      0xffffffffffffffff (18446744073709551615)
? 0

# Not canonical for the chosen levels: bits 63..48 must copy bit 47 (4-level),
# bits 63..57 must copy bit 56 (5-level).
$ vmsim translate 0x0000800000000000
2>
vmsim translate: argument 1 '0x0000800000000000': not canonical for 4-level paging: bits 63..48 must all equal bit 47, which is 1
vmsim translate: hint: the canonical address with the same low 48 bits is 0xffff800000000000
vmsim translate: hint: with --levels 5 (57-bit addresses) it is canonical
? 2

$ vmsim translate 0x0000800000000000 --levels 5 | sed -n 3p
half         user (lower canonical half: bits 63..56 all 0)
? 0

$ vmsim translate 0xffff7fffffffffff
2>
vmsim translate: argument 1 '0xffff7fffffffffff': not canonical for 4-level paging: bits 63..48 must all equal bit 47, which is 0
vmsim translate: hint: the canonical address with the same low 48 bits is 0x00007fffffffffff
vmsim translate: hint: with --levels 5 (57-bit addresses) it is canonical
? 2

$ vmsim translate 0x00ffffffffffffff --levels 5 | sed -n 3p
half         user (lower canonical half: bits 63..56 all 0)
? 0

$ vmsim translate 0x0100000000000000 --levels 5
2>
vmsim translate: argument 1 '0x0100000000000000': not canonical for 5-level paging: bits 63..57 must all equal bit 56, which is 1
vmsim translate: hint: the canonical address with the same low 57 bits is 0xff00000000000000
? 2

$ vmsim translate 0xfeffffffffffffff --levels 5
2>
vmsim translate: argument 1 '0xfeffffffffffffff': not canonical for 5-level paging: bits 63..57 must all equal bit 56, which is 0
vmsim translate: hint: the canonical address with the same low 57 bits is 0x00ffffffffffffff
? 2

# Options.
$ vmsim translate 0x1000 --levels 3
2>
vmsim translate: --levels '3': expected 4 or 5
? 2

$ vmsim translate 0x1000 --levels
2>
vmsim translate: option '--levels' needs a value
usage: vmsim translate ADDRESS [--levels 4|5] [--page-size 4k|2m|1g] [--json]
? 2

$ vmsim translate 0x1000 --page-size 8k
2>
vmsim translate: --page-size '8k': expected 4k, 2m or 1g
? 2

$ vmsim translate 0x1000 --page-size 2x
2>
vmsim translate: --page-size '2x': expected 4k, 2m or 1g
? 2

$ vmsim translate 0x1000 --verbose
2>
vmsim translate: unknown option '--verbose'
usage: vmsim translate ADDRESS [--levels 4|5] [--page-size 4k|2m|1g] [--json]
? 2

$ vmsim translate
2>
vmsim translate: missing ADDRESS
usage: vmsim translate ADDRESS [--levels 4|5] [--page-size 4k|2m|1g] [--json]
? 2

$ vmsim translate 0x1000 0x2000
2>
vmsim translate: unexpected argument '0x2000'
usage: vmsim translate ADDRESS [--levels 4|5] [--page-size 4k|2m|1g] [--json]
? 2
