"""The security baseline's numbers at the end of every run (also in `make test`'s output): the size of
the permission matrix and what the schema fuzzer sent and got."""

import sys


def pytest_terminal_summary(terminalreporter):
    matrix = sys.modules.get("tests.security.test_toegangsmatrix")
    if matrix is not None and matrix.MATRIX:
        urls = {url for url, _subject in matrix.MATRIX}
        terminalreporter.write_line(
            f"toegangsmatrix: {len(urls)} URLs x {len(matrix.SUBJECTEN)} subjecten = {len(matrix.MATRIX)} cellen"
        )
    fuzz = sys.modules.get("tests.security.test_api_schema_fuzz")
    if fuzz is not None and fuzz.ANTWOORDEN:
        totaal = sum(len(codes) for codes in fuzz.ANTWOORDEN.values())
        terminalreporter.write_line(
            f"schemathesis: {totaal} requests over {len(fuzz.ANTWOORDEN)} operation x method pairs"
        )
        for operatie, codes in sorted(fuzz.ANTWOORDEN.items()):
            if len(codes) > 1:
                telling = ", ".join(f"{code}: {codes.count(code)}" for code in sorted(set(codes)))
                terminalreporter.write_line(f"  {operatie:45} {len(codes):4}  {telling}")
