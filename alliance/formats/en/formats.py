# Dates as a conference programme prints them; the Spanish and Portuguese modules say the same
# in their languages ("27 de noviembre de 2023").
DATE_FORMAT = "j F Y"
MONTH_DAY_FORMAT = "j F"
SHORT_DATETIME_FORMAT = "D j M H:i"
DATETIME_FORMAT = "j F Y, H:i"
