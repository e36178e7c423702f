"""Countries a participant can come from, with the time zone we suggest for each.

The EU Member States and the Latin American and Caribbean (CELAC) countries first, then others.
Countries spanning several zones get their most populous one; the participant can change it.
"""

from django.utils.translation import gettext_lazy as _

COUNTRIES = {
    # European Union
    "AT": (_("Austria"), "Europe/Vienna"),
    "BE": (_("Belgium"), "Europe/Brussels"),
    "BG": (_("Bulgaria"), "Europe/Sofia"),
    "HR": (_("Croatia"), "Europe/Zagreb"),
    "CY": (_("Cyprus"), "Asia/Nicosia"),
    "CZ": (_("Czechia"), "Europe/Prague"),
    "DK": (_("Denmark"), "Europe/Copenhagen"),
    "EE": (_("Estonia"), "Europe/Tallinn"),
    "FI": (_("Finland"), "Europe/Helsinki"),
    "FR": (_("France"), "Europe/Paris"),
    "DE": (_("Germany"), "Europe/Berlin"),
    "GR": (_("Greece"), "Europe/Athens"),
    "HU": (_("Hungary"), "Europe/Budapest"),
    "IE": (_("Ireland"), "Europe/Dublin"),
    "IT": (_("Italy"), "Europe/Rome"),
    "LV": (_("Latvia"), "Europe/Riga"),
    "LT": (_("Lithuania"), "Europe/Vilnius"),
    "LU": (_("Luxembourg"), "Europe/Luxembourg"),
    "MT": (_("Malta"), "Europe/Malta"),
    "NL": (_("Netherlands"), "Europe/Amsterdam"),
    "PL": (_("Poland"), "Europe/Warsaw"),
    "PT": (_("Portugal"), "Europe/Lisbon"),
    "RO": (_("Romania"), "Europe/Bucharest"),
    "SK": (_("Slovakia"), "Europe/Bratislava"),
    "SI": (_("Slovenia"), "Europe/Ljubljana"),
    "ES": (_("Spain"), "Europe/Madrid"),
    "SE": (_("Sweden"), "Europe/Stockholm"),
    # Latin America and the Caribbean
    "AG": (_("Antigua and Barbuda"), "America/Antigua"),
    "AR": (_("Argentina"), "America/Argentina/Buenos_Aires"),
    "BS": (_("Bahamas"), "America/Nassau"),
    "BB": (_("Barbados"), "America/Barbados"),
    "BZ": (_("Belize"), "America/Belize"),
    "BO": (_("Bolivia"), "America/La_Paz"),
    "BR": (_("Brazil"), "America/Sao_Paulo"),
    "CL": (_("Chile"), "America/Santiago"),
    "CO": (_("Colombia"), "America/Bogota"),
    "CR": (_("Costa Rica"), "America/Costa_Rica"),
    "CU": (_("Cuba"), "America/Havana"),
    "DM": (_("Dominica"), "America/Dominica"),
    "DO": (_("Dominican Republic"), "America/Santo_Domingo"),
    "EC": (_("Ecuador"), "America/Guayaquil"),
    "SV": (_("El Salvador"), "America/El_Salvador"),
    "GD": (_("Grenada"), "America/Grenada"),
    "GT": (_("Guatemala"), "America/Guatemala"),
    "GY": (_("Guyana"), "America/Guyana"),
    "HT": (_("Haiti"), "America/Port-au-Prince"),
    "HN": (_("Honduras"), "America/Tegucigalpa"),
    "JM": (_("Jamaica"), "America/Jamaica"),
    "MX": (_("Mexico"), "America/Mexico_City"),
    "NI": (_("Nicaragua"), "America/Managua"),
    "PA": (_("Panama"), "America/Panama"),
    "PY": (_("Paraguay"), "America/Asuncion"),
    "PE": (_("Peru"), "America/Lima"),
    "KN": (_("Saint Kitts and Nevis"), "America/St_Kitts"),
    "LC": (_("Saint Lucia"), "America/St_Lucia"),
    "VC": (_("Saint Vincent and the Grenadines"), "America/St_Vincent"),
    "SR": (_("Suriname"), "America/Paramaribo"),
    "TT": (_("Trinidad and Tobago"), "America/Port_of_Spain"),
    "UY": (_("Uruguay"), "America/Montevideo"),
    "VE": (_("Venezuela"), "America/Caracas"),
    # Others often present
    "CA": (_("Canada"), "America/Toronto"),
    "CH": (_("Switzerland"), "Europe/Zurich"),
    "GB": (_("United Kingdom"), "Europe/London"),
    "NO": (_("Norway"), "Europe/Oslo"),
    "US": (_("United States"), "America/New_York"),
    "ZZ": (_("Other country"), "UTC"),
}

COUNTRY_CHOICES = [(code, name) for code, (name, _zone) in COUNTRIES.items()]


def country_time_zone(code: str) -> str:
    return COUNTRIES.get(code, (None, "UTC"))[1]
