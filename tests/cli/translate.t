# vmsim translate: the split of valid addresses, as text and as JSON.
#
# The seed's address 0x7ffd12345678, worked by hand (4-level, 4K pages):
#
#   0x 7    f    f    d    1    2    3    4    5    6    7    8
#      0111 1111 1111 1101 0001 0010 0011 0100 0101 0110 0111 1000
#      bit 47                                                 bit 0
#
#   regrouped from the right: 12 | 9 | 9 | 9 | 9 bits
#      011111111 111110100 010010001 101000101 011001111000
#      PML4      PDPT      PD        PT        offset
#      = 255     = 500     = 145     = 325     = 0x678
#                = 0x1f4   = 0x91    = 0x145
#
# (PT is 256+64+4+1 = 325 = 0x145: the top bit of the nine is bit 20 of
# the address, the low bit of the digit '3'.) With 2M pages the PT bits join
# the offset: 0x145678; with 1G pages the PD bits too: 0x12345678.
#
# 0xffffffff81000000 (Linux kernel text): PML4 511 and PDPT 510 are the top
# 2 GiB of the address space; 0x81000000 - 0x80000000 = 16 MiB = 8 * 2 MiB,
# so PD 8, PT 0, offset 0.

$ vmsim translate 0x7ffd12345678
address      0x00007ffd12345678 (140724908873336)
paging       4-level, 48-bit virtual addresses, 4K pages
half         user (lower canonical half: bits 63..47 all 0)

  63            48 47     39 38     30 29     21 20     12 11         0
 +----------------+---------+---------+---------+---------+------------+
 |0000000000000000|011111111|111110100|010010001|101000101|011001111000|
 +----------------+---------+---------+---------+---------+------------+
  sign extension   PML4      PDPT      PD        PT        offset

offset       bits 11..0 (log2 4096 = 12 bits): 0x678 = 1656
page number  bits 47..12 (36 bits): 0x7ffd12345 = 34356667205

table  bits    index  hex    binary
PML4   47..39    255  0x0ff  011111111
PDPT   38..30    500  0x1f4  111110100
PD     29..21    145  0x091  010010001
PT     20..12    325  0x145  101000101

walk         PML4 -> PDPT -> PD -> PT; the PT entry maps the 4K page
? 0

$ vmsim translate 0x7ffd12345678 --page-size 2m
address      0x00007ffd12345678 (140724908873336)
paging       4-level, 48-bit virtual addresses, 2M pages
half         user (lower canonical half: bits 63..47 all 0)

  63            48 47     39 38     30 29     21 20                  0
 +----------------+---------+---------+---------+---------------------+
 |0000000000000000|011111111|111110100|010010001|101000101011001111000|
 +----------------+---------+---------+---------+---------------------+
  sign extension   PML4      PDPT      PD        offset

offset       bits 20..0 (log2 2097152 = 21 bits): 0x145678 = 1332856
page number  bits 47..21 (27 bits): 0x3ffe891 = 67102865

table  bits    index  hex    binary
PML4   47..39    255  0x0ff  011111111
PDPT   38..30    500  0x1f4  111110100
PD     29..21    145  0x091  010010001

walk         PML4 -> PDPT -> PD; the PD entry (PS=1) maps the 2M page
? 0

$ vmsim translate 0x7ffd12345678 --page-size 1g
address      0x00007ffd12345678 (140724908873336)
paging       4-level, 48-bit virtual addresses, 1G pages
half         user (lower canonical half: bits 63..47 all 0)

  63            48 47     39 38     30 29                           0
 +----------------+---------+---------+------------------------------+
 |0000000000000000|011111111|111110100|010010001101000101011001111000|
 +----------------+---------+---------+------------------------------+
  sign extension   PML4      PDPT      offset

offset       bits 29..0 (log2 1073741824 = 30 bits): 0x12345678 = 305419896
page number  bits 47..30 (18 bits): 0x1fff4 = 131060

table  bits    index  hex    binary
PML4   47..39    255  0x0ff  011111111
PDPT   38..30    500  0x1f4  111110100

walk         PML4 -> PDPT; the PDPT entry (PS=1) maps the 1G page
? 0

$ vmsim translate 0x7ffd12345678 --levels 5
address      0x00007ffd12345678 (140724908873336)
paging       5-level, 57-bit virtual addresses, 4K pages
half         user (lower canonical half: bits 63..56 all 0)

  63   57 56     48 47     39 38     30 29     21 20     12 11         0
 +-------+---------+---------+---------+---------+---------+------------+
 |0000000|000000000|011111111|111110100|010010001|101000101|011001111000|
 +-------+---------+---------+---------+---------+---------+------------+
  sign    PML5      PML4      PDPT      PD        PT        offset

offset       bits 11..0 (log2 4096 = 12 bits): 0x678 = 1656
page number  bits 56..12 (45 bits): 0x7ffd12345 = 34356667205

table  bits    index  hex    binary
PML5   56..48      0  0x000  000000000
PML4   47..39    255  0x0ff  011111111
PDPT   38..30    500  0x1f4  111110100
PD     29..21    145  0x091  010010001
PT     20..12    325  0x145  101000101

walk         PML5 -> PML4 -> PDPT -> PD -> PT; the PT entry maps the 4K page
? 0

# Decimal input, --opt=value and options before the address.
$ vmsim translate --levels=5 --page-size=1G 140724908873336
address      0x00007ffd12345678 (140724908873336)
paging       5-level, 57-bit virtual addresses, 1G pages
half         user (lower canonical half: bits 63..56 all 0)

  63   57 56     48 47     39 38     30 29                           0
 +-------+---------+---------+---------+------------------------------+
 |0000000|000000000|011111111|111110100|010010001101000101011001111000|
 +-------+---------+---------+---------+------------------------------+
  sign    PML5      PML4      PDPT      offset

offset       bits 29..0 (log2 1073741824 = 30 bits): 0x12345678 = 305419896
page number  bits 56..30 (27 bits): 0x1fff4 = 131060

table  bits    index  hex    binary
PML5   56..48      0  0x000  000000000
PML4   47..39    255  0x0ff  011111111
PDPT   38..30    500  0x1f4  111110100

walk         PML5 -> PML4 -> PDPT; the PDPT entry (PS=1) maps the 1G page
? 0

$ vmsim translate 0xffffffff81000000
address      0xffffffff81000000 (18446744071578845184)
paging       4-level, 48-bit virtual addresses, 4K pages
half         kernel (upper canonical half: bits 63..47 all 1)

  63            48 47     39 38     30 29     21 20     12 11         0
 +----------------+---------+---------+---------+---------+------------+
 |1111111111111111|111111111|111111110|000001000|000000000|000000000000|
 +----------------+---------+---------+---------+---------+------------+
  sign extension   PML4      PDPT      PD        PT        offset

offset       bits 11..0 (log2 4096 = 12 bits): 0x0 = 0
page number  bits 47..12 (36 bits): 0xffff81000 = 68718956544

table  bits    index  hex    binary
PML4   47..39    511  0x1ff  111111111
PDPT   38..30    510  0x1fe  111111110
PD     29..21      8  0x008  000001000
PT     20..12      0  0x000  000000000

walk         PML4 -> PDPT -> PD -> PT; the PT entry maps the 4K page
? 0

# The top of the lower half and the bottom of the upper half.
$ vmsim translate 0x00007fffffffffff --page-size 2m
address      0x00007fffffffffff (140737488355327)
paging       4-level, 48-bit virtual addresses, 2M pages
half         user (lower canonical half: bits 63..47 all 0)

  63            48 47     39 38     30 29     21 20                  0
 +----------------+---------+---------+---------+---------------------+
 |0000000000000000|011111111|111111111|111111111|111111111111111111111|
 +----------------+---------+---------+---------+---------------------+
  sign extension   PML4      PDPT      PD        offset

offset       bits 20..0 (log2 2097152 = 21 bits): 0x1fffff = 2097151
page number  bits 47..21 (27 bits): 0x3ffffff = 67108863

table  bits    index  hex    binary
PML4   47..39    255  0x0ff  011111111
PDPT   38..30    511  0x1ff  111111111
PD     29..21    511  0x1ff  111111111

walk         PML4 -> PDPT -> PD; the PD entry (PS=1) maps the 2M page
? 0

$ vmsim translate 0xff00000000000000 --levels 5 --page-size 1g
address      0xff00000000000000 (18374686479671623680)
paging       5-level, 57-bit virtual addresses, 1G pages
half         kernel (upper canonical half: bits 63..56 all 1)

  63   57 56     48 47     39 38     30 29                           0
 +-------+---------+---------+---------+------------------------------+
 |1111111|100000000|000000000|000000000|000000000000000000000000000000|
 +-------+---------+---------+---------+------------------------------+
  sign    PML5      PML4      PDPT      offset

offset       bits 29..0 (log2 1073741824 = 30 bits): 0x0 = 0
page number  bits 56..30 (27 bits): 0x4000000 = 67108864

table  bits    index  hex    binary
PML5   56..48    256  0x100  100000000
PML4   47..39      0  0x000  000000000
PDPT   38..30      0  0x000  000000000

walk         PML5 -> PML4 -> PDPT; the PDPT entry (PS=1) maps the 1G page
? 0

$ vmsim translate 0x7ffd12345678 --json
{
  "address": "0x00007ffd12345678",
  "address_decimal": "140724908873336",
  "levels": 4,
  "va_bits": 48,
  "page_size": "4K",
  "page_size_bytes": 4096,
  "half": "user",
  "sign_extension": {"hi": 63, "lo": 48, "bits": 16, "binary": "0000000000000000"},
  "tables": [
    {"name": "PML4", "level": 4, "hi": 47, "lo": 39, "index": 255, "hex": "0x0ff", "binary": "011111111"},
    {"name": "PDPT", "level": 3, "hi": 38, "lo": 30, "index": 500, "hex": "0x1f4", "binary": "111110100"},
    {"name": "PD", "level": 2, "hi": 29, "lo": 21, "index": 145, "hex": "0x091", "binary": "010010001"},
    {"name": "PT", "level": 1, "hi": 20, "lo": 12, "index": 325, "hex": "0x145", "binary": "101000101"}
  ],
  "offset": {"hi": 11, "lo": 0, "bits": 12, "value": 1656, "hex": "0x678", "binary": "011001111000"},
  "vpn": {"hi": 47, "lo": 12, "bits": 36, "value": 34356667205, "hex": "0x7ffd12345"}
}
? 0

$ vmsim translate 0xffffffff81000000 --json --page-size 2m
{
  "address": "0xffffffff81000000",
  "address_decimal": "18446744071578845184",
  "levels": 4,
  "va_bits": 48,
  "page_size": "2M",
  "page_size_bytes": 2097152,
  "half": "kernel",
  "sign_extension": {"hi": 63, "lo": 48, "bits": 16, "binary": "1111111111111111"},
  "tables": [
    {"name": "PML4", "level": 4, "hi": 47, "lo": 39, "index": 511, "hex": "0x1ff", "binary": "111111111"},
    {"name": "PDPT", "level": 3, "hi": 38, "lo": 30, "index": 510, "hex": "0x1fe", "binary": "111111110"},
    {"name": "PD", "level": 2, "hi": 29, "lo": 21, "index": 8, "hex": "0x008", "binary": "000001000"}
  ],
  "offset": {"hi": 20, "lo": 0, "bits": 21, "value": 0, "hex": "0x0", "binary": "000000000000000000000"},
  "vpn": {"hi": 47, "lo": 21, "bits": 27, "value": 134216712, "hex": "0x7fffc08"}
}
? 0

# Page sizes may be given in bytes too.
$ vmsim translate 0x7ffd12345678 --page-size 2097152 | sed -n 2p
paging       4-level, 48-bit virtual addresses, 2M pages
? 0

$ vmsim translate --help
usage: vmsim translate ADDRESS [--levels 4|5] [--page-size 4k|2m|1g] [--json]

Split a virtual address into the page-table indices and the page offset
the x86-64 MMU uses to translate it.

  ADDRESS               hexadecimal after 0x (0x7ffd12345678) or decimal
  --levels 4|5          paging levels: 4 (48-bit addresses, the default)
                        or 5 (57-bit addresses, LA57)
  --page-size 4k|2m|1g  size of the page the address is in (default 4k);
                        2m ends the walk at PD, 1g at PDPT
  --json                print one JSON object instead of the text layout

The address must be canonical: bits 63..47 (63..56 with --levels 5) all equal.
? 0

$ vmsim help translate
usage: vmsim translate ADDRESS [--levels 4|5] [--page-size 4k|2m|1g] [--json]

Split a virtual address into the page-table indices and the page offset
the x86-64 MMU uses to translate it.

  ADDRESS               hexadecimal after 0x (0x7ffd12345678) or decimal
  --levels 4|5          paging levels: 4 (48-bit addresses, the default)
                        or 5 (57-bit addresses, LA57)
  --page-size 4k|2m|1g  size of the page the address is in (default 4k);
                        2m ends the walk at PD, 1g at PDPT
  --json                print one JSON object instead of the text layout

The address must be canonical: bits 63..47 (63..56 with --levels 5) all equal.
? 0
