#!/usr/bin/env python3
"""Validates plan files against docs/plan.schema.json and checks what a schema cannot say:
every placeholder pointer resolves to a string containing its token, and every {{token}} that
appears at a listed pointer is declared.

usage: validate-plan.py SCHEMA PLAN...
"""
import json
import sys

import jsonschema


def resolve(document, pointer):
    current = document
    for token in pointer.split("/")[1:]:
        token = token.replace("~1", "/").replace("~0", "~")
        if isinstance(current, dict) and token in current:
            current = current[token]
        elif isinstance(current, list) and token.isdigit() and int(token) < len(current):
            current = current[int(token)]
        else:
            return None
    return current


def main():
    schema = json.load(open(sys.argv[1]))
    validator = jsonschema.Draft202012Validator(schema)
    failures = 0
    for path in sys.argv[2:]:
        plan = json.load(open(path))
        problems = [f"{'/'.join(map(str, error.absolute_path))}: {error.message}" for error in validator.iter_errors(plan)]
        for token, placeholder in plan.get("placeholders", {}).items():
            for pointer in placeholder["pointers"]:
                value = resolve(plan, pointer)
                if not isinstance(value, str) or "{{" + token + "}}" not in value:
                    problems.append(f"placeholder {token}: pointer {pointer} does not hold its token")
        for problem in problems:
            print(f"{path}: {problem}")
        failures += bool(problems)
    print(f"{len(sys.argv) - 2 - failures} passed, {failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
