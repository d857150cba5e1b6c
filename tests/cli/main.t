# The vmsim command itself: version, help, dispatch errors.

$ vmsim --version
vmsim 0.1.0
? 0

$ vmsim help
usage: vmsim [--version] [--help] COMMAND [ARGS...]

commands:
  help       list the commands, or show the usage of one
  paging     replacement policies over a reference string with N frames
  run        run a simulation (default: the built-in MMU tour)
  translate  split a virtual address into page-table indices and offset

'vmsim help COMMAND' or 'vmsim COMMAND --help' shows the usage of a command.
? 0

$ vmsim --help
usage: vmsim [--version] [--help] COMMAND [ARGS...]

commands:
  help       list the commands, or show the usage of one
  paging     replacement policies over a reference string with N frames
  run        run a simulation (default: the built-in MMU tour)
  translate  split a virtual address into page-table indices and offset

'vmsim help COMMAND' or 'vmsim COMMAND --help' shows the usage of a command.
? 0

$ vmsim
2>
usage: vmsim [--version] [--help] COMMAND [ARGS...]

commands:
  help       list the commands, or show the usage of one
  paging     replacement policies over a reference string with N frames
  run        run a simulation (default: the built-in MMU tour)
  translate  split a virtual address into page-table indices and offset

'vmsim help COMMAND' or 'vmsim COMMAND --help' shows the usage of a command.
? 2

$ vmsim frobnicate
2>
vmsim: 'frobnicate' is not a vmsim command

commands:
  help       list the commands, or show the usage of one
  paging     replacement policies over a reference string with N frames
  run        run a simulation (default: the built-in MMU tour)
  translate  split a virtual address into page-table indices and offset
? 2

$ vmsim --frobnicate
2>
vmsim: unknown option '--frobnicate'
usage: vmsim [--version] [--help] COMMAND [ARGS...]

commands:
  help       list the commands, or show the usage of one
  paging     replacement policies over a reference string with N frames
  run        run a simulation (default: the built-in MMU tour)
  translate  split a virtual address into page-table indices and offset

'vmsim help COMMAND' or 'vmsim COMMAND --help' shows the usage of a command.
? 2

$ vmsim help frobnicate
2>
vmsim: 'frobnicate' is not a vmsim command

commands:
  help       list the commands, or show the usage of one
  paging     replacement policies over a reference string with N frames
  run        run a simulation (default: the built-in MMU tour)
  translate  split a virtual address into page-table indices and offset
? 2
