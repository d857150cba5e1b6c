# No scenario expression kills vmsim with a signal. Nesting (parentheses,
# unary minus, function calls) is bounded at 200 levels with a
# file:line:col error; chains of + - * / are evaluated in a loop however
# long the line is. Inputs of about a million characters each, written by
# python3 into a temporary directory.
# requires: python3

# 200 levels are fine, 201 are not.
$ d=$(mktemp -d); python3 -c "import sys; print('expect ' + '('*200 + '1' + ')'*200 + ' == 1')" >"$d/p.vms"; "$VMSIM" run "$d/p.vms" | tail -1 | sed "s|$d/||"; rm -rf "$d"
p.vms: 1 checks, 0 failed
? 0

$ d=$(mktemp -d); python3 -c "import sys; print('expect ' + '('*201 + '1' + ')'*201 + ' == 1')" >"$d/p.vms"; cd "$d" && "$VMSIM" run p.vms; rc=$?; rm -rf "$d"; exit $rc
2>
p.vms:1:209: expression nested too deeply: at most 200 levels of parentheses, unary minus and function calls
? 2

# 500,000 nested parentheses (1 MB): the same error, no SIGSEGV.
$ d=$(mktemp -d); python3 -c "print('expect ' + '('*500000 + '1' + ')'*500000 + ' == 1')" >"$d/p.vms"; cd "$d" && "$VMSIM" run p.vms; rc=$?; rm -rf "$d"; exit $rc
2>
p.vms:1:209: expression nested too deeply: at most 200 levels of parentheses, unary minus and function calls
? 2

# A million unary minuses.
$ d=$(mktemp -d); python3 -c "print('expect ' + '-'*1000000 + '1 == 1')" >"$d/n.vms"; cd "$d" && "$VMSIM" run n.vms; rc=$?; rm -rf "$d"; exit $rc
2>
n.vms:1:209: expression nested too deeply: at most 200 levels of parentheses, unary minus and function calls
? 2

# 200,000 nested function calls, on line 3.
$ d=$(mktemp -d); python3 -c "print('process A\n\nexpect ' + 'min(1, '*200000 + '1' + ')'*200000 + ' == 1')" >"$d/f.vms"; cd "$d" && "$VMSIM" run f.vms; rc=$?; rm -rf "$d"; exit $rc
2>
f.vms:3:1412: expression nested too deeply: at most 200 levels of parentheses, unary minus and function calls
? 2

# 500,000 terms of 1+1+... (1 MB), 500,000 factors, and a mixed chain of
# 200,000 terms: evaluated, and right.
$ d=$(mktemp -d); python3 -c "print('expect ' + '+'.join(['1']*500000) + ' == 500000')" >"$d/s.vms"; "$VMSIM" run "$d/s.vms" | tail -1 | sed "s|$d/||"; rm -rf "$d"
s.vms: 1 checks, 0 failed
? 0

$ d=$(mktemp -d); python3 -c "print('expect ' + '*'.join(['1']*500000) + ' == 1')" >"$d/m.vms"; "$VMSIM" run "$d/m.vms" | tail -1 | sed "s|$d/||"; rm -rf "$d"
m.vms: 1 checks, 0 failed
? 0

$ d=$(mktemp -d); python3 -c "print('expect ' + '-'.join(['2*3']*200000) + ' == ' + str(6 - 6*199999))" >"$d/x.vms"; "$VMSIM" run "$d/x.vms" | tail -1 | sed "s|$d/||"; rm -rf "$d"
x.vms: 1 checks, 0 failed
? 0

# The same in a print line's {expression}.
$ d=$(mktemp -d); python3 -c "print('print {' + '+'.join(['1']*300000) + '}')" >"$d/q.vms"; "$VMSIM" run "$d/q.vms"; rm -rf "$d"
300,000
? 0
