"""``python -m megagen``: the same as the ``megagen`` command."""
from .cli import main

if __name__ == "__main__":
    main(prog_name="megagen")
