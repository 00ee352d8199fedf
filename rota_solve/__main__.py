"""`python -m rota_solve`: the same command line as `rota-solve`."""

from rota_solve.entry import main

if __name__ == "__main__":
    main()
