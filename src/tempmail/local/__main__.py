"""`python -m tempmail.local` starts the local host."""

from tempmail.local.host import main

main()
