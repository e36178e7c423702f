from django.utils.translation import gettext_noop

DATE_FORMAT = r"j \d\e F \d\e Y"
MONTH_DAY_FORMAT = r"j \d\e F"
SHORT_DATETIME_FORMAT = r"D j \d\e b H:i"  # b: "nov", where M would give "Nov"

# In Brazilian Portuguese, names of months and weekdays are not capitalised ("27 de novembro",
# "segunda-feira"), whereas Django's own catalogue has "Novembro" and "Segunda-feira": the
# project's catalogue (locale/pt_BR) overrides them. Named here so that `makemessages` keeps
# them there.
DATE_NAMES = (
    gettext_noop("January"),
    gettext_noop("February"),
    gettext_noop("March"),
    gettext_noop("April"),
    gettext_noop("May"),
    gettext_noop("June"),
    gettext_noop("July"),
    gettext_noop("August"),
    gettext_noop("September"),
    gettext_noop("October"),
    gettext_noop("November"),
    gettext_noop("December"),
    gettext_noop("Monday"),
    gettext_noop("Tuesday"),
    gettext_noop("Wednesday"),
    gettext_noop("Thursday"),
    gettext_noop("Friday"),
    gettext_noop("Saturday"),
    gettext_noop("Sunday"),
    gettext_noop("Mon"),
    gettext_noop("Tue"),
    gettext_noop("Wed"),
    gettext_noop("Thu"),
    gettext_noop("Fri"),
    gettext_noop("Sat"),
    gettext_noop("Sun"),
)
