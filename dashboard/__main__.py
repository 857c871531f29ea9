"""``python -m dashboard --port 8765``: serve the teaching dashboard (see dashboard.server)."""

from dashboard.server import main

if __name__ == "__main__":
    main()
