from cityrights.cli import main

main()
