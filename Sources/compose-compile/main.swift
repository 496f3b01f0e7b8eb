import Compiler
print("stub")
