# The vmsim command itself: version, help, dispatch errors.

$ vmsim --version
vmsim 0.1.0
? 0

$ vmsim help
usage: vmsim [--version] [--help] COMMAND [ARGS...]

commands:
  convert    convert a trace of any format to vmsim's format
  help       list the commands, or show the usage of one
  inspect    show real Linux processes in vmsim's terms (RSS, PSS, USS, faults)
  paging     replacement policies over a reference string with N frames
  record     record a program's memory accesses with valgrind into a trace
  replay     replay a memory trace on a simulated machine and summarise it
  run        simulate a trace or a scenario (default: a real trace and the MMU tour)
  scenarios  list the built-in scenarios (the seed's sections and exercises)
  show       print the source of a built-in scenario
  sweep      run a sweep spec's points locally in parallel or on Slurm
  thrash     the thrashing curve: CPU utilisation against the number of processes
  translate  split a virtual address into page-table indices and offset
  tour       run every built-in scenario and print its headline results

'vmsim help COMMAND' or 'vmsim COMMAND --help' shows the usage of a command.
? 0

$ vmsim --help
usage: vmsim [--version] [--help] COMMAND [ARGS...]

commands:
  convert    convert a trace of any format to vmsim's format
  help       list the commands, or show the usage of one
  inspect    show real Linux processes in vmsim's terms (RSS, PSS, USS, faults)
  paging     replacement policies over a reference string with N frames
  record     record a program's memory accesses with valgrind into a trace
  replay     replay a memory trace on a simulated machine and summarise it
  run        simulate a trace or a scenario (default: a real trace and the MMU tour)
  scenarios  list the built-in scenarios (the seed's sections and exercises)
  show       print the source of a built-in scenario
  sweep      run a sweep spec's points locally in parallel or on Slurm
  thrash     the thrashing curve: CPU utilisation against the number of processes
  translate  split a virtual address into page-table indices and offset
  tour       run every built-in scenario and print its headline results

'vmsim help COMMAND' or 'vmsim COMMAND --help' shows the usage of a command.
? 0

$ vmsim
2>
usage: vmsim [--version] [--help] COMMAND [ARGS...]

commands:
  convert    convert a trace of any format to vmsim's format
  help       list the commands, or show the usage of one
  inspect    show real Linux processes in vmsim's terms (RSS, PSS, USS, faults)
  paging     replacement policies over a reference string with N frames
  record     record a program's memory accesses with valgrind into a trace
  replay     replay a memory trace on a simulated machine and summarise it
  run        simulate a trace or a scenario (default: a real trace and the MMU tour)
  scenarios  list the built-in scenarios (the seed's sections and exercises)
  show       print the source of a built-in scenario
  sweep      run a sweep spec's points locally in parallel or on Slurm
  thrash     the thrashing curve: CPU utilisation against the number of processes
  translate  split a virtual address into page-table indices and offset
  tour       run every built-in scenario and print its headline results

'vmsim help COMMAND' or 'vmsim COMMAND --help' shows the usage of a command.
? 2

$ vmsim frobnicate
2>
vmsim: 'frobnicate' is not a vmsim command

commands:
  convert    convert a trace of any format to vmsim's format
  help       list the commands, or show the usage of one
  inspect    show real Linux processes in vmsim's terms (RSS, PSS, USS, faults)
  paging     replacement policies over a reference string with N frames
  record     record a program's memory accesses with valgrind into a trace
  replay     replay a memory trace on a simulated machine and summarise it
  run        simulate a trace or a scenario (default: a real trace and the MMU tour)
  scenarios  list the built-in scenarios (the seed's sections and exercises)
  show       print the source of a built-in scenario
  sweep      run a sweep spec's points locally in parallel or on Slurm
  thrash     the thrashing curve: CPU utilisation against the number of processes
  translate  split a virtual address into page-table indices and offset
  tour       run every built-in scenario and print its headline results
? 2

$ vmsim --frobnicate
2>
vmsim: unknown option '--frobnicate'
usage: vmsim [--version] [--help] COMMAND [ARGS...]

commands:
  convert    convert a trace of any format to vmsim's format
  help       list the commands, or show the usage of one
  inspect    show real Linux processes in vmsim's terms (RSS, PSS, USS, faults)
  paging     replacement policies over a reference string with N frames
  record     record a program's memory accesses with valgrind into a trace
  replay     replay a memory trace on a simulated machine and summarise it
  run        simulate a trace or a scenario (default: a real trace and the MMU tour)
  scenarios  list the built-in scenarios (the seed's sections and exercises)
  show       print the source of a built-in scenario
  sweep      run a sweep spec's points locally in parallel or on Slurm
  thrash     the thrashing curve: CPU utilisation against the number of processes
  translate  split a virtual address into page-table indices and offset
  tour       run every built-in scenario and print its headline results

'vmsim help COMMAND' or 'vmsim COMMAND --help' shows the usage of a command.
? 2

$ vmsim help frobnicate
2>
vmsim: 'frobnicate' is not a vmsim command

commands:
  convert    convert a trace of any format to vmsim's format
  help       list the commands, or show the usage of one
  inspect    show real Linux processes in vmsim's terms (RSS, PSS, USS, faults)
  paging     replacement policies over a reference string with N frames
  record     record a program's memory accesses with valgrind into a trace
  replay     replay a memory trace on a simulated machine and summarise it
  run        simulate a trace or a scenario (default: a real trace and the MMU tour)
  scenarios  list the built-in scenarios (the seed's sections and exercises)
  show       print the source of a built-in scenario
  sweep      run a sweep spec's points locally in parallel or on Slurm
  thrash     the thrashing curve: CPU utilisation against the number of processes
  translate  split a virtual address into page-table indices and offset
  tour       run every built-in scenario and print its headline results
? 2
