import ArgumentParser

ComposeCompileCommand.main()
