import QamtuCommands

Qamtu.main()
