# Short dates read "16 May 2027" (day first, as the Dutch users expect in English too).
# Templates name these formats ("SHORT_DATE_FORMAT") rather than writing "j M Y", so that
# each language spells its months its own way: Dutch months are never capitalised.
SHORT_DATE_FORMAT = "j M Y"
SHORT_DATETIME_FORMAT = "j M Y H:i"
MONTH_DAY_FORMAT = "j F"
# A date input needs ISO whatever the language (docs/i18n.md).
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y"]
