"""The demo city: 驻马店市 (Zhumadian, Henan, the S0 notice's city) with its plants and accounts.

``generate`` builds it as plain data from a seed; ``load`` feeds it through the domain services.
"""
