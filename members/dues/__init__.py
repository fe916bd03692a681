"""Party dues (党费), a feature of the member: rates, standards, payments, arrears.

- `rules`: the 2008 rates (seeded by migration `members.0013`), and the band lookup;
- `actions`: set a standard (and relief), record payments (one, or a branch's sheet at once),
  void one, confirm the yearly review, set a county's rates;
- `queries`: the set-based reads (the sheet's rows, arrears totals per organization, anomalies);
- `sheet/`, `history/`, `arrears/`, `review/`, `rates/`: the pages, each with its forms, views and
  urls; `panels`: the section on the member's page.

The state (paid up to, months and amount owed) is never stored: `Member.objects.with_dues`.
"""
