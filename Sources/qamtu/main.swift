import QamtuCommands

ExitTimeRelease.enable()
Qamtu.main()
