"""Each organisation's register of the data sources it holds.

The methodology begins by mapping who holds which evidence (police files,
inspection reports, assistance records, court judgements) and for which years.
This register is the first kind of owned record and shows the sharing rules at
work before the case record arrives.
"""
