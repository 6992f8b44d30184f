"""Executes a notebook cell by cell in a real Jupyter kernel; any error in any cell fails.

    run_notebook.py NOTEBOOK WORKING_FOLDER

The kernel is this very Python (a kernel spec made for the run), so it imports the cxsim that
PYTHONPATH names, like the test that calls it.
"""

import json
import os
import sys
import tempfile

import nbformat
from nbclient import NotebookClient

notebook, folder = sys.argv[1], sys.argv[2]
with tempfile.TemporaryDirectory(prefix="cxsim-kernel-") as jupyter:
    spec = os.path.join(jupyter, "kernels", "cxsim-test")
    os.makedirs(spec)
    with open(os.path.join(spec, "kernel.json"), "w") as f:
        json.dump({"argv": [sys.executable, "-Xfrozen_modules=off", "-m", "ipykernel_launcher", "-f", "{connection_file}"],
                   "display_name": "cxsim test", "language": "python"}, f)
    os.environ["JUPYTER_PATH"] = jupyter
    os.environ.pop("MPLBACKEND", None)  # the kernel draws inline, into the notebook
    os.environ["PYDEVD_DISABLE_FILE_VALIDATION"] = "1"
    nb = nbformat.read(notebook, as_version=4)
    NotebookClient(nb, timeout=600, kernel_name="cxsim-test", resources={"metadata": {"path": folder}}).execute()
    cells = sum(1 for c in nb.cells if c.cell_type == "code")
    images = sum(1 for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])
                 if "image/png" in o.get("data", {}))
    print(f"{notebook}: {cells} code cells ran without error; {images} figure(s) drawn")
    if images == 0:
        sys.exit(f"{notebook}: no figure was drawn")
