from flexwatch.cli import main

main()
