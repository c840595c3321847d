"""Real hospitals, agencies and legal organisations (public names), with the forms they are printed in."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Facility:
    """A hospital: canonical name, printed aliases, address and where it is."""

    name: str
    aliases: tuple[str, ...]
    street: str
    city: str
    state: str
    zip: str
    country: str
    area: str


US_FACILITIES = [
    Facility(
        "Children's Hospital Los Angeles", ("CHLA",), "4650 Sunset Boulevard", "Los Angeles", "CA", "90027", "US", "323"
    ),
    Facility(
        "Rady Children's Hospital",
        ("Rady Children's", "Rady Children's Hospital-San Diego"),
        "3020 Children's Way",
        "San Diego",
        "CA",
        "92123",
        "US",
        "858",
    ),
    Facility(
        "Texas Children's Hospital", ("Texas Children's",), "6621 Fannin Street", "Houston", "TX", "77030", "US", "832"
    ),
    Facility(
        "Ann & Robert H. Lurie Children's Hospital of Chicago",
        ("Lurie Children's", "Lurie"),
        "225 E. Chicago Avenue",
        "Chicago",
        "IL",
        "60611",
        "US",
        "312",
    ),
    Facility(
        "Children's Hospital of Philadelphia",
        ("CHOP",),
        "3401 Civic Center Boulevard",
        "Philadelphia",
        "PA",
        "19104",
        "US",
        "215",
    ),
    Facility(
        "Boston Children's Hospital",
        ("Boston Children's",),
        "300 Longwood Avenue",
        "Boston",
        "MA",
        "02115",
        "US",
        "617",
    ),
    Facility(
        "Cincinnati Children's Hospital Medical Center",
        ("Cincinnati Children's",),
        "3333 Burnet Avenue",
        "Cincinnati",
        "OH",
        "45229",
        "US",
        "513",
    ),
    Facility(
        "Children's National Hospital",
        ("Children's National",),
        "111 Michigan Avenue NW",
        "Washington",
        "DC",
        "20010",
        "US",
        "202",
    ),
    Facility(
        "Seattle Children's Hospital",
        ("Seattle Children's",),
        "4800 Sand Point Way NE",
        "Seattle",
        "WA",
        "98105",
        "US",
        "206",
    ),
    Facility(
        "Phoenix Children's Hospital",
        ("Phoenix Children's",),
        "1919 E. Thomas Road",
        "Phoenix",
        "AZ",
        "85016",
        "US",
        "602",
    ),
    Facility(
        "Nicklaus Children's Hospital",
        ("Nicklaus Children's",),
        "3100 SW 62nd Avenue",
        "Miami",
        "FL",
        "33155",
        "US",
        "305",
    ),
    Facility(
        "Children's Hospital Colorado",
        ("Children's Colorado",),
        "13123 E. 16th Avenue",
        "Aurora",
        "CO",
        "80045",
        "US",
        "720",
    ),
    Facility(
        "St. Jude Children's Research Hospital",
        ("St. Jude",),
        "262 Danny Thomas Place",
        "Memphis",
        "TN",
        "38105",
        "US",
        "901",
    ),
    Facility(
        "Lucile Packard Children's Hospital Stanford",
        ("Stanford Children's", "LPCH"),
        "725 Welch Road",
        "Palo Alto",
        "CA",
        "94304",
        "US",
        "650",
    ),
    Facility(
        "University Medical Center of El Paso",
        ("UMC El Paso",),
        "4815 Alameda Avenue",
        "El Paso",
        "TX",
        "79905",
        "US",
        "915",
    ),
    Facility(
        "The University of Texas MD Anderson Cancer Center",
        ("MD Anderson",),
        "1515 Holcombe Boulevard",
        "Houston",
        "TX",
        "77030",
        "US",
        "713",
    ),
    Facility(
        "Jackson Memorial Hospital", ("Jackson Memorial",), "1611 NW 12th Avenue", "Miami", "FL", "33136", "US", "305"
    ),
    Facility(
        "Ronald Reagan UCLA Medical Center",
        ("UCLA Medical Center",),
        "757 Westwood Plaza",
        "Los Angeles",
        "CA",
        "90095",
        "US",
        "310",
    ),
]

# Hospitals in the home countries, keyed by alpha-2.
HOME_FACILITIES: dict[str, list[Facility]] = {
    "MX": [
        Facility(
            "Hospital Infantil de México Federico Gómez",
            ("HIMFG",),
            "Dr. Márquez 162, Col. Doctores",
            "Ciudad de México",
            "CDMX",
            "06720",
            "MX",
            "55",
        ),
        Facility(
            "Instituto Nacional de Pediatría",
            ("INP",),
            "Insurgentes Sur 3700-C, Col. Insurgentes Cuicuilco",
            "Ciudad de México",
            "CDMX",
            "04530",
            "MX",
            "55",
        ),
        Facility(
            "Hospital Civil de Guadalajara Fray Antonio Alcalde",
            ("Hospital Civil de Guadalajara",),
            "Hospital 278, Col. El Retiro",
            "Guadalajara",
            "Jalisco",
            "44280",
            "MX",
            "33",
        ),
        Facility(
            "Hospital Universitario Dr. José Eleuterio González",
            ("Hospital Universitario de la UANL",),
            "Av. Francisco I. Madero y Av. Gonzalitos s/n, Col. Mitras Centro",
            "Monterrey",
            "Nuevo León",
            "64460",
            "MX",
            "81",
        ),
        Facility(
            "Hospital General de Tijuana",
            ("HGT",),
            "Av. Centenario 10851, Zona Río",
            "Tijuana",
            "Baja California",
            "22010",
            "MX",
            "664",
        ),
    ],
    "HN": [
        Facility(
            "Hospital Escuela",
            ("Hospital Escuela Universitario", "HEU"),
            "Boulevard Suyapa",
            "Tegucigalpa",
            "Francisco Morazán",
            "11101",
            "HN",
            "2232",
        ),
        Facility(
            "Hospital Nacional Dr. Mario Catarino Rivas",
            ("Hospital Mario Catarino Rivas",),
            "Colonia Villas del Sol",
            "San Pedro Sula",
            "Cortés",
            "21102",
            "HN",
            "2516",
        ),
    ],
    "GT": [
        Facility(
            "Hospital Roosevelt",
            ("Hospital Roosevelt de Guatemala",),
            "Calzada Roosevelt, zona 11",
            "Ciudad de Guatemala",
            "Guatemala",
            "01011",
            "GT",
            "2321",
        ),
        Facility(
            "Hospital General San Juan de Dios",
            ("HGSJDD",),
            "1a. Avenida 10-50, zona 1",
            "Ciudad de Guatemala",
            "Guatemala",
            "01001",
            "GT",
            "2321",
        ),
        Facility(
            "Unidad Nacional de Oncología Pediátrica",
            ("UNOP",),
            "9a. Avenida 8-00, zona 11",
            "Ciudad de Guatemala",
            "Guatemala",
            "01011",
            "GT",
            "2471",
        ),
    ],
    "SV": [
        Facility(
            "Hospital Nacional de Niños Benjamin Bloom",
            ("Hospital Bloom",),
            "Final 25 Avenida Norte y Boulevard de los Héroes",
            "San Salvador",
            "San Salvador",
            "1101",
            "SV",
            "2225",
        ),
        Facility(
            "Hospital Nacional Rosales",
            ("Hospital Rosales",),
            "25 Avenida Norte y Calle Arce",
            "San Salvador",
            "San Salvador",
            "1101",
            "SV",
            "2231",
        ),
    ],
    "NI": [
        Facility(
            "Hospital Infantil Manuel de Jesús Rivera",
            ("Hospital La Mascota",),
            "Barrio Ariel Darce",
            "Managua",
            "Managua",
            "11001",
            "NI",
            "2289",
        ),
    ],
    "VE": [
        Facility(
            "Hospital de Niños J. M. de los Ríos",
            ("Hospital J. M. de los Ríos",),
            "Av. Vollmer, San Bernardino",
            "Caracas",
            "Distrito Capital",
            "1011",
            "VE",
            "212",
        ),
    ],
    "CO": [
        Facility(
            "Fundación HOMI Hospital de la Misericordia",
            ("HOMI",),
            "Avenida Caracas No. 1-65",
            "Bogotá",
            "Cundinamarca",
            "111411",
            "CO",
            "601",
        ),
    ],
    "EC": [
        Facility(
            "Hospital de Niños Dr. Roberto Gilbert Elizalde",
            ("Hospital Roberto Gilbert",),
            "Av. Roberto Gilbert y Nicasio Safadi",
            "Guayaquil",
            "Guayas",
            "090514",
            "EC",
            "4",
        ),
    ],
}


@dataclass(frozen=True)
class LegalOrg:
    """A legal-aid or advocacy organisation: canonical name, how it is also written, where it sits."""

    name: str
    aliases: tuple[str, ...]
    street: str
    city: str
    state: str
    zip: str
    area: str


LEGAL_ORGS = [
    LegalOrg("Public Counsel", (), "610 S. Ardmore Avenue", "Los Angeles", "CA", "90005", "213"),
    LegalOrg(
        "RAICES",
        ("Refugee and Immigrant Center for Education and Legal Services",),
        "5121 Crestway Drive, Suite 105",
        "San Antonio",
        "TX",
        "78239",
        "210",
    ),
    LegalOrg("Al Otro Lado", (), "634 S. Spring Street, Suite 902", "Los Angeles", "CA", "90014", "213"),
    LegalOrg("Kids in Need of Defense", ("KIND",), "1201 L Street NW, Floor 2", "Washington", "DC", "20005", "202"),
    LegalOrg(
        "Florence Immigrant & Refugee Rights Project",
        ("Florence Project",),
        "2601 N. Stone Avenue",
        "Tucson",
        "AZ",
        "85705",
        "520",
    ),
    LegalOrg(
        "Las Americas Immigrant Advocacy Center",
        ("Las Americas",),
        "1500 E. Yandell Drive",
        "El Paso",
        "TX",
        "79902",
        "915",
    ),
    LegalOrg(
        "Northwest Immigrant Rights Project",
        ("NWIRP",),
        "615 Second Avenue, Suite 400",
        "Seattle",
        "WA",
        "98104",
        "206",
    ),
    LegalOrg(
        "Americans for Immigrant Justice",
        ("AI Justice",),
        "6355 NW 36th Street, Suite 2201",
        "Miami",
        "FL",
        "33166",
        "305",
    ),
    LegalOrg(
        "Esperanza Immigrant Rights Project",
        ("Esperanza",),
        "1530 James M. Wood Boulevard",
        "Los Angeles",
        "CA",
        "90015",
        "213",
    ),
    LegalOrg(
        "Catholic Legal Immigration Network",
        ("CLINIC",),
        "8757 Georgia Avenue, Suite 850",
        "Silver Spring",
        "MD",
        "20910",
        "301",
    ),
]

USCIS_ADDRESSES = [
    (
        "U.S. Citizenship and Immigration Services",
        "Humanitarian Affairs Branch",
        "5900 Capital Gateway Drive, Mail Stop 2100",
        "Camp Springs, MD 20588-0009",
    ),
    (
        "U.S. Citizenship and Immigration Services",
        "Attn: Humanitarian Parole",
        "P.O. Box 660865",
        "Dallas, TX 75266-0865",
    ),
    (
        "U.S. Citizenship and Immigration Services",
        "International and Refugee Affairs Division",
        "5900 Capital Gateway Drive",
        "Camp Springs, MD 20746",
    ),
]
SERVICE_CENTERS = [
    ("National Benefits Center", "P.O. Box 648005", "Lee's Summit, MO 64002"),
    ("Nebraska Service Center", "P.O. Box 82521", "Lincoln, NE 68501-2521"),
    ("Texas Service Center", "6046 N Belt Line Rd. STE 172", "Irving, TX 75038-0001"),
    ("Potomac Service Center", "2200 Potomac Center Drive", "Arlington, VA 20598"),
]
RECEIPT_PREFIXES = ["IOE", "IOE", "IOE", "NBC", "MSC", "EAC", "SRC", "WAC", "LIN"]
ICE_OFFICES = [
    ("Los Angeles", "CA"),
    ("San Antonio", "TX"),
    ("Houston", "TX"),
    ("Chicago", "IL"),
    ("Miami", "FL"),
    ("Phoenix", "AZ"),
    ("El Paso", "TX"),
    ("San Diego", "CA"),
]
PORTS_OF_ENTRY = ["San Ysidro", "Otay Mesa", "Paso del Norte", "Hidalgo", "Nogales DeConcini", "Laredo"]
