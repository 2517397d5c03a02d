"""Executes a notebook top to bottom with this interpreter's own kernel (nbclient, ipykernel), in the
notebook's folder, and writes the executed copy; exits non-zero with the failing cell's error. The
kernel gets this process's environment, so CARRARA_SERVER and CARRARA_TOKEN reach the notebook's
`carrara.connect()`.

    python run_notebook.py NOTEBOOK.ipynb EXECUTED.ipynb [--timeout SECONDS]
"""
import argparse
import os
import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebook")
    parser.add_argument("executed")
    parser.add_argument("--timeout", type=int, default=600, help="seconds a cell may run")
    arguments = parser.parse_args()
    notebook_path = Path(arguments.notebook).resolve()
    notebook = nbformat.read(notebook_path, as_version=4)
    client = NotebookClient(notebook, timeout=arguments.timeout, kernel_name="python3",
                            resources={"metadata": {"path": str(Path.cwd())}})
    try:
        client.execute(env=dict(os.environ))  # what the kernel inherits anyway, said here on purpose
    except CellExecutionError as error:
        nbformat.write(notebook, arguments.executed)
        print(f"notebook failed: {error}", file=sys.stderr)
        return 1
    nbformat.write(notebook, arguments.executed)
    cells = sum(1 for cell in notebook.cells if cell.cell_type == "code")
    print(f"notebook ran: {cells} code cells of {notebook_path.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
