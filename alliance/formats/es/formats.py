DATE_FORMAT = r"j \d\e F \d\e Y"
MONTH_DAY_FORMAT = r"j \d\e F"
SHORT_DATETIME_FORMAT = r"D j \d\e b H:i"  # b: "nov", where M would give "Nov"
