# "16 mei 2027": Django's "M" capitalises the abbreviation ("Mei"); "b" keeps it as the
# language writes it. Templates name these formats instead of writing "j M Y".
SHORT_DATE_FORMAT = "j b Y"
SHORT_DATETIME_FORMAT = "j b Y H:i"
MONTH_DAY_FORMAT = "j F"
# A date input needs ISO whatever the language; Dutch typing ("2-12-2026") still parses.
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d-%m-%Y", "%d-%m-%y", "%d/%m/%Y"]
