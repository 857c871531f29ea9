"""``python -m sim``: list every model parameter with its default, allowed range and source."""

from sim.parameters import ModelParameters


def main() -> None:
    """Print the parameter table as Markdown."""
    print("| parameter | default | allowed | source |")
    print("|---|---|---|---|")
    for row in ModelParameters.describe():
        allowed = ", ".join(row["choices"]) if row["choices"] else f"[{row['low']}, {row['high']}]"
        print(f"| {row['name']} | {row['default']} | {allowed} | {row['source']} |")


if __name__ == "__main__":
    main()
