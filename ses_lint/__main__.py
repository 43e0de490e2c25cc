from ses_lint.cli import console

console()
