"""A synthetic population in the household survey data contract, for demonstrations and benchmarks.

`writer.generate_population` writes `households.csv` and `members.csv`; the modules beside it draw the
households (`households`), who lives in them (`members`), what each person is (`traits`), their names
(`names`) and identity numbers (`ids`), over the shipped districts (`geography`), one batch at a time
(`batch`).
"""
