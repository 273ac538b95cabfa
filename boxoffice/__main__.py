from boxoffice.cli import main

main(prog_name="boxoffice")
