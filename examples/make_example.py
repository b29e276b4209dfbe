#!/usr/bin/env python
# ruff: noqa: E501
"""Generate cliokit's bundled example dataset: synthetic multilingual assistant conversations.

Usage::

    python examples/make_example.py --seed 0 --out examples/

writes ``conversations.jsonl`` (OpenAI chat format), ``labels.csv`` (ground truth, never in the
text), ``planted_pii.jsonl`` (the fake PII planted for the privacy demo) and ``README.md``.

Only the standard library is used and every random draw comes from a ``random.Random`` seeded
from ``--seed`` (string seeds are hashed with SHA-512, independent of ``PYTHONHASHSEED``), so the
same seed gives byte-identical files on any platform and Python 3.11+.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import random
import string
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

LANGS = ("en", "es", "fr", "de", "ja", "zh")
LANG_NAMES = {
    "en": "English",
    "es": "Spanish",
    "fr": "French",
    "de": "German",
    "ja": "Japanese",
    "zh": "Chinese",
}
CJK = ("ja", "zh")

TOPICS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("coding", ("python_debugging", "sql_queries", "web_frontend")),
    ("writing", ("cover_letters", "email_drafting", "essay_editing")),
    ("cooking", ("recipes", "baking", "meal_planning")),
    ("travel", ("itineraries", "visas_documents", "packing")),
    ("health_fitness", ("workout_plans", "sleep", "nutrition")),
    ("personal_finance", ("budgeting", "taxes", "investing")),
    ("education", ("algebra", "statistics", "physics")),
    ("language_learning", ("grammar", "translation", "vocabulary")),
)
TOPIC_NAMES = tuple(t for t, _ in TOPICS)
TOPIC_OF = {sub: topic for topic, subs in TOPICS for sub in subs}

N_USERS = 120
N_CONVERSATIONS = 480
# Target share of conversations per language; non-English users sometimes write in English.
LANG_SHARE = {"en": 0.40, "es": 0.12, "fr": 0.12, "de": 0.12, "ja": 0.12, "zh": 0.12}
P_ENGLISH_SWITCH = 0.08
CONVS_PER_USER_WEIGHTS = {2: 20, 3: 25, 4: 20, 5: 15, 6: 10, 7: 6, 8: 4}
TURN_WEIGHTS = {1: 45, 2: 33, 3: 15, 4: 7}
P_FAVOURITE = 0.72
P_PII = 0.08

# ---------------------------------------------------------------------------------------------
# Slot fillers. A slot is drawn once per conversation and reused by the reply and follow-ups.
# Lists of dicts are linked slots drawn together (an error with its code line, etc.).
# Numbers come from NUM; a capitalised placeholder ({Food}) capitalises the value's first letter.
# ---------------------------------------------------------------------------------------------

NUM: dict[str, Sequence[int]] = {
    "n_people": (2, 3, 4, 5, 6, 8),
    "n_people2": (4, 6, 8, 10, 12),
    "years": tuple(range(1, 16)),
    "days": tuple(range(2, 11)),
    "days_meal": (3, 4, 5, 7),
    "layover": tuple(range(7, 15)),
    "months": tuple(range(2, 8)),
    "weeks": tuple(range(2, 9)),
    "child_age": tuple(range(1, 13)),
    "days_per_week": (2, 3, 4, 5),
    "age": tuple(range(19, 64)),
    "weight_kg": tuple(range(52, 101)),
    "wrong_x": tuple(range(1, 10)),
    "weekly_budget": tuple(range(50, 160, 10)),
    "weekly_budget_jpy": tuple(range(5000, 16000, 1000)),
    "weekly_budget_cny": tuple(range(300, 850, 50)),
    "income": tuple(range(1800, 6300, 100)),
    "rent": tuple(range(550, 1350, 50)),
    "goal": tuple(range(1000, 5500, 250)),
    "income_man": tuple(range(16, 46)),
    "rent_man": tuple(range(5, 13)),
    "goal_man": tuple(range(10, 55, 5)),
    "income_cny": tuple(range(6000, 20500, 500)),
    "rent_cny": tuple(range(1500, 5100, 100)),
    "goal_cny": tuple(range(5000, 31000, 1000)),
    "side_income": tuple(range(300, 6100, 100)),
    "side_income_man": tuple(range(3, 41)),
    "side_income_cny": tuple(range(2000, 20500, 500)),
    "wfh_days": (1, 2, 3, 4, 5),
    "salary_man": tuple(range(300, 850, 50)),
    "salary_wan": tuple(range(12, 61)),
    "salary_k": tuple(range(38, 125, 2)),
    "interest": (3, 4, 5, 6, 7, 8),
    "invest_amount": tuple(range(2000, 52000, 1000)),
    "monthly_invest": tuple(range(25, 525, 25)),
    "invest_man": tuple(range(50, 510, 10)),
    "monthly_invest_man": tuple(range(1, 11)),
    "invest_wan": tuple(range(2, 51)),
    "monthly_invest_cny": tuple(range(500, 5500, 500)),
}

SLOTS_ANY: dict[str, list[Any]] = {
    "_py_case": [
        {"py_error": "KeyError: 'user_id'", "py_line": "user = payload['user_id']"},
        {
            "py_error": "TypeError: 'NoneType' object is not subscriptable",
            "py_line": "name = data.get('items')[0]['name']",
        },
        {
            "py_error": "IndexError: list index out of range",
            "py_line": "for i in range(len(prices)):\n    diff = prices[i + 1] - prices[i]",
        },
        {
            "py_error": "ValueError: invalid literal for int() with base 10: ''",
            "py_line": "age = int(input('Age: '))",
        },
        {
            "py_error": "AttributeError: 'str' object has no attribute 'append'",
            "py_line": "names = ''\nfor row in rows:\n    names.append(row[2])",
        },
        {
            "py_error": "RuntimeError: dictionary changed size during iteration",
            "py_line": "for k in stock:\n    if stock[k] == 0:\n        del stock[k]",
        },
        {
            "py_error": "UnboundLocalError: cannot access local variable 'count' where it is not associated with a value",
            "py_line": "def add_item():\n    count += 1",
        },
        {"py_error": "ZeroDivisionError: division by zero", "py_line": "avg = total / len(scores)"},
        {
            "py_error": "FileNotFoundError: [Errno 2] No such file or directory: 'data.csv'",
            "py_line": "df = pd.read_csv('data.csv')",
        },
        {"py_error": "ModuleNotFoundError: No module named 'requests'", "py_line": "import requests"},
        {
            "py_error": 'TypeError: can only concatenate str (not "int") to str',
            "py_line": 'print("Total: " + total)',
        },
        {
            "py_error": "json.decoder.JSONDecodeError: Expecting value: line 1 column 1 (char 0)",
            "py_line": "data = response.json()",
        },
    ],
    "db": ["PostgreSQL", "MySQL", "SQLite", "SQL Server", "BigQuery"],
    "table": ["orders", "customers", "employees", "invoices", "sales", "users"],
    "company": [
        "Northwind Traders",
        "Contoso",
        "Fabrikam",
        "Globex",
        "Initech",
        "Blue Harbor Logistics",
        "Lumen Analytics",
        "Tailspin Toys",
    ],
    "equation": [
        "3x + 7 = 22",
        "2(x - 4) = 3x + 1",
        "5x - 3 = 2x + 12",
        "x/4 + 2 = 7",
        "4(2x + 1) = 36",
        "7 - 2x = 3x - 8",
        "0.5x + 3 = 11",
    ],
    "quadratic": [
        "x^2 - 5x + 6 = 0",
        "2x^2 + 3x - 2 = 0",
        "x^2 + 6x + 9 = 0",
        "x^2 - 9 = 0",
        "3x^2 - 12x = 0",
        "x^2 - x - 12 = 0",
    ],
    "_system": [
        {"sys_a": "2x + y = 10", "sys_b": "x - y = 2"},
        {"sys_a": "3x + 2y = 16", "sys_b": "x - y = 2"},
        {"sys_a": "x + y = 7", "sys_b": "2x - y = 5"},
        {"sys_a": "4x - y = 9", "sys_b": "x + 2y = 0"},
    ],
    "data": [
        "12, 15, 11, 18, 20, 15, 9",
        "4, 8, 15, 16, 23, 42",
        "70, 85, 90, 65, 95, 80",
        "2.3, 2.9, 3.1, 2.7, 3.4",
        "5, 7, 7, 8, 10, 13",
    ],
    "_ci": [
        {"ci_low": "2.1", "ci_high": "4.7"},
        {"ci_low": "-0.5", "ci_high": "3.2"},
        {"ci_low": "12.4", "ci_high": "15.9"},
    ],
}

_WORDS_EU = [
    {"words": "1400", "words_limit": "1000"},
    {"words": "900", "words_limit": "750"},
    {"words": "2300", "words_limit": "2000"},
    {"words": "650", "words_limit": "500"},
    {"words": "1800", "words_limit": "1500"},
]
_WORDS_CJK = [
    {"words": "2400", "words_limit": "2000"},
    {"words": "1200", "words_limit": "800"},
    {"words": "4500", "words_limit": "4000"},
    {"words": "1000", "words_limit": "800"},
]
_PVAL_DOT = ["0.03", "0.049", "0.07", "0.12", "0.001", "0.051"]
_PVAL_COMMA = ["0,03", "0,049", "0,07", "0,12", "0,001", "0,051"]
_FRAMEWORKS = ["React", "Vue", "Tailwind", "Svelte", "Bootstrap", "Angular"]

SLOTS: dict[str, dict[str, list[Any]]] = {
    "en": {
        "py_context": [
            "reading a CSV file with pandas",
            "looping over a dictionary",
            "parsing JSON from an API response",
            "running my Flask app",
            "scraping a page with BeautifulSoup",
            "importing a function from another file",
            "processing a list of user records",
        ],
        "sql_task": [
            "get the top 5 customers by total order amount",
            "count how many orders we had per month last year",
            "find users who signed up but never placed an order",
            "delete duplicate rows but keep the most recent one",
            "list each employee with their manager's name",
            "calculate a running total of sales by day",
            "find products that haven't sold in the last 90 days",
        ],
        "rows": ["50,000", "2 million", "300k", "about 10 million"],
        "fe_problem": [
            "center a div both vertically and horizontally",
            "make my navbar stick to the top when scrolling",
            "build a responsive grid of cards that goes to one column on mobile",
            "add a dark mode toggle that remembers the user's choice",
            "stop my React component from re-rendering in a loop",
            "make a modal that closes when you click outside it",
            "show a loading spinner while fetch() is waiting",
            "validate a signup form before it submits",
        ],
        "framework": ["React", "Vue", "plain HTML and CSS", "Tailwind", "Svelte", "vanilla JavaScript"],
        "job": [
            "junior data analyst",
            "registered nurse",
            "marketing coordinator",
            "software engineer",
            "barista",
            "high school math teacher",
            "project manager",
            "graphic designer",
            "customer support specialist",
            "warehouse supervisor",
        ],
        "email_purpose": [
            "ask my manager for Friday off",
            "remind a client that their invoice is 30 days overdue",
            "politely decline a meeting invitation",
            "complain to my landlord that the heating has been broken for a week",
            "thank a colleague for covering my shift",
            "ask my professor for an extension on my paper",
            "tell my team I'm leaving the company",
            "follow up after a job interview",
            "reschedule a dentist appointment",
        ],
        "essay_topic": [
            "how social media affects teenagers' sleep",
            "the causes of World War I",
            "whether college should be free",
            "climate adaptation in coastal cities",
            "the symbolism in The Great Gatsby",
            "remote work and productivity",
            "the ethics of genetic testing",
        ],
        "_words": _WORDS_EU,
        "dish": [
            "chicken tikka masala",
            "vegetable lasagna",
            "beef stir-fry",
            "shakshuka",
            "mushroom risotto",
            "chili con carne",
            "pad thai",
            "lentil soup",
            "fish tacos",
            "spaghetti carbonara",
        ],
        "ingredient": [
            "heavy cream",
            "fresh garlic",
            "eggs",
            "parmesan",
            "coconut milk",
            "fresh herbs",
            "white wine",
        ],
        "bake": [
            "sourdough bread",
            "banana bread",
            "chocolate chip cookies",
            "New York cheesecake",
            "croissants",
            "lemon drizzle cake",
            "cinnamon rolls",
            "brownies",
        ],
        "bake_problem": [
            "came out dense and gummy",
            "sank in the middle",
            "was dry and crumbly",
            "spread way too much",
            "didn't rise at all",
            "burned on the bottom but was raw inside",
        ],
        "diet": [
            "vegetarian",
            "high-protein",
            "low-carb",
            "dairy-free",
            "Mediterranean",
            "vegan",
            "gluten-free",
        ],
        "city": [
            "Lisbon",
            "Kyoto",
            "Mexico City",
            "Rome",
            "Barcelona",
            "Seoul",
            "Prague",
            "Istanbul",
            "Vancouver",
            "Marrakech",
        ],
        "travel_style": [
            "on a budget",
            "with two young kids",
            "with my elderly parents",
            "on honeymoon",
            "solo",
            "with a group of friends",
        ],
        "country": ["Japan", "the UK", "the Schengen area", "Canada", "Australia", "the US", "South Korea"],
        "passport": [
            "Brazilian",
            "Nigerian",
            "US",
            "Canadian",
            "Filipino",
            "South African",
            "Pakistani",
            "Colombian",
            "Turkish",
        ],
        "trip": [
            "a week in Iceland in February",
            "a beach holiday in Thailand",
            "a three-day business trip to Chicago",
            "a 10-day hiking trip in the Alps",
            "a winter weekend in Montreal",
            "two weeks backpacking in Vietnam",
            "a wedding in Tuscany in June",
        ],
        "fitness_goal": [
            "lose fat",
            "build muscle",
            "run a 5K",
            "get better at pull-ups",
            "improve my posture",
            "get back in shape after a knee injury",
        ],
        "equipment": [
            "just a pair of dumbbells",
            "no equipment at all",
            "a full gym",
            "resistance bands",
            "a pull-up bar and a kettlebell",
        ],
        "sleep_problem": [
            "I wake up at 3am every night and can't fall back asleep",
            "it takes me over an hour to fall asleep",
            "I sleep 8 hours but still wake up exhausted",
            "my sleep schedule is a mess after night shifts",
            "I can't stop scrolling my phone in bed",
            "jet lag is wrecking me after flying back from Asia",
        ],
        "food": ["oatmeal", "Greek yogurt", "peanut butter", "white rice", "a protein bar", "avocado toast"],
        "expense": ["eating out", "subscriptions", "clothes", "takeout coffee", "online shopping"],
        "freelance_job": [
            "graphic designer",
            "photographer",
            "translator",
            "web developer",
            "personal trainer",
            "copywriter",
        ],
        "weekday": ["Monday", "Tuesday", "Thursday", "Friday"],
        "pval": _PVAL_DOT,
        "data_desc": [
            "yes/no survey answers from 120 people",
            "test scores from two different classes",
            "reaction times before and after coffee for the same 20 people",
        ],
        "stats_concept": [
            "standard deviation",
            "a p-value",
            "a confidence interval",
            "the difference between mean and median",
            "correlation vs causation",
            "a z-score",
        ],
        "physics_problem": [
            "A ball is thrown straight up at 15 m/s. How high does it go?",
            "A car accelerates from 0 to 27 m/s in 9 seconds. What's the acceleration?",
            "A 2 kg box is pushed with 10 N across a floor with friction coefficient 0.3. Does it move?",
            "How much current flows through a 12 V circuit with a 4 ohm resistor?",
            "A 60 kg skier slides down a 20 m high slope with no friction. What's her speed at the bottom?",
            "A spring with k = 200 N/m is compressed by 5 cm. How much energy does it store?",
        ],
        "physics_concept": [
            "Newton's third law",
            "conservation of momentum",
            "centripetal force",
            "electric potential",
            "the work-energy theorem",
            "why the sky is blue",
        ],
        "physics_pair": ["speed and velocity", "mass and weight", "work and power", "voltage and current"],
        "grammar_point": [
            "when to use 'ser' vs 'estar' in Spanish",
            "the difference between the passé composé and the imparfait in French",
            "German dative vs accusative prepositions",
            "the difference between は and が in Japanese",
            "when to use 'por' vs 'para' in Spanish",
            "how the French subjunctive works",
            "when to use 'who' vs 'whom'",
            "whether it's 'fewer' or 'less' in English",
        ],
        "phrase": [
            "We're running about 20 minutes late, please start without us.",
            "Could you send me the invoice again? I can't find it.",
            "Happy birthday, Grandma! We miss you and can't wait to visit.",
            "Is there a pharmacy open near here?",
            "The package arrived damaged and I'd like a replacement.",
            "Thank you so much for having us, dinner was amazing.",
            "I'm allergic to peanuts. Does this dish contain any?",
        ],
        "target_lang": [
            "Spanish",
            "French",
            "German",
            "Japanese",
            "Italian",
            "Portuguese",
            "Mandarin Chinese",
        ],
        "vocab_theme": [
            "cooking",
            "job interviews",
            "the doctor's office",
            "emotions",
            "the weather",
            "public transport",
            "business meetings",
        ],
    },
    "es": {
        "py_context": [
            "leer un CSV con pandas",
            "recorrer un diccionario",
            "llamar a una API y leer el JSON",
            "ejecutar mi app de Flask",
            "hacer scraping con BeautifulSoup",
            "importar una función de otro archivo",
        ],
        "sql_task": [
            "sacar los 5 clientes que más han gastado",
            "contar los pedidos por mes del año pasado",
            "encontrar usuarios que nunca han hecho un pedido",
            "borrar filas duplicadas quedándome con la más reciente",
            "listar cada empleado con el nombre de su jefe",
            "calcular un total acumulado de ventas por día",
        ],
        "rows": ["50.000", "300.000", "dos millones de", "unos diez millones de"],
        "fe_problem": [
            "centrar un div vertical y horizontalmente",
            "hacer que la barra de navegación se quede fija al hacer scroll",
            "crear una cuadrícula de tarjetas responsive que pase a una columna en el móvil",
            "añadir un botón de modo oscuro que recuerde la elección",
            "evitar que mi componente de React se renderice en bucle",
            "mostrar un spinner mientras carga un fetch",
        ],
        "framework": _FRAMEWORKS,
        "job": [
            "analista de datos junior",
            "enfermera",
            "coordinadora de marketing",
            "ingeniero de software",
            "camarero",
            "profesor de matemáticas",
            "jefe de proyecto",
            "diseñadora gráfica",
            "agente de atención al cliente",
        ],
        "email_purpose": [
            "pedirle a mi jefe el viernes libre",
            "recordar a un cliente que su factura lleva 30 días vencida",
            "rechazar educadamente una invitación a una reunión",
            "quejarme al casero de que la calefacción lleva una semana rota",
            "dar las gracias a una compañera por cubrirme el turno",
            "pedir a mi profesor una prórroga para el trabajo",
            "avisar a mi equipo de que dejo la empresa",
        ],
        "essay_topic": [
            "el efecto de las redes sociales en los adolescentes",
            "las causas de la Primera Guerra Mundial",
            "si la universidad debería ser gratuita",
            "el cambio climático en las ciudades costeras",
            "el simbolismo en Cien años de soledad",
            "el teletrabajo y la productividad",
        ],
        "_words": _WORDS_EU,
        "dish": [
            "tortilla de patatas",
            "paella de verduras",
            "lentejas estofadas",
            "pollo al ajillo",
            "gazpacho",
            "arroz con pollo",
            "albóndigas en salsa",
            "crema de calabaza",
        ],
        "ingredient": ["nata", "huevos", "ajo fresco", "caldo de pollo", "vino blanco", "pimentón"],
        "bake": [
            "pan de masa madre",
            "bizcocho de plátano",
            "galletas con pepitas de chocolate",
            "tarta de queso",
            "croissants",
            "magdalenas",
            "roscón de Reyes",
        ],
        "bake_problem": [
            "la masa quedó densa y gomosa",
            "se hundió todo en el centro",
            "quedó todo seco y se desmigaja",
            "la masa no subió nada",
            "se quemó por abajo pero por dentro estaba crudo",
        ],
        "diet": [
            "vegetariano",
            "rico en proteínas",
            "bajo en carbohidratos",
            "sin lactosa",
            "mediterráneo",
            "vegano",
        ],
        "city": ["Lisboa", "Kioto", "Roma", "París", "Praga", "Estambul", "Buenos Aires", "Nueva York"],
        "travel_style": [
            "con poco presupuesto",
            "con dos niños pequeños",
            "con mis padres mayores",
            "de luna de miel",
            "sola",
            "con un grupo de amigos",
        ],
        "country": [
            "Estados Unidos",
            "Japón",
            "Reino Unido",
            "Canadá",
            "Australia",
            "China",
            "Corea del Sur",
        ],
        "passport": ["colombiano", "mexicano", "argentino", "peruano", "venezolano", "ecuatoriano"],
        "trip": [
            "una semana en Islandia en febrero",
            "unas vacaciones de playa en Tailandia",
            "un viaje de trabajo de tres días a Chicago",
            "una ruta de senderismo de 10 días por los Pirineos",
            "un fin de semana de invierno en Berlín",
            "dos semanas de mochilero por Vietnam",
        ],
        "fitness_goal": [
            "perder grasa",
            "ganar masa muscular",
            "correr 5 km seguidos",
            "hacer más dominadas",
            "mejorar la postura",
            "volver a ponerme en forma tras una lesión",
        ],
        "equipment": [
            "solo un par de mancuernas",
            "nada de material",
            "un gimnasio completo",
            "gomas elásticas",
            "una barra de dominadas y una kettlebell",
        ],
        "sleep_problem": [
            "me despierto a las 3 de la mañana y no me vuelvo a dormir",
            "tardo más de una hora en dormirme",
            "duermo 8 horas pero me levanto agotado",
            "tengo el horario de sueño fatal por los turnos de noche",
            "no puedo dejar el móvil en la cama",
            "el jet lag me está matando después de volver de Asia",
        ],
        "food": [
            "la avena",
            "el yogur griego",
            "el huevo",
            "la crema de cacahuete",
            "el arroz blanco",
            "el aguacate",
        ],
        "expense": ["comer fuera", "suscripciones", "ropa", "el coche", "caprichos online"],
        "freelance_job": [
            "diseñador gráfico",
            "fotógrafa",
            "traductor",
            "desarrolladora web",
            "entrenador personal",
        ],
        "pval": _PVAL_COMMA,
        "stats_concept": [
            "la desviación típica",
            "el p-valor",
            "un intervalo de confianza",
            "la diferencia entre media y mediana",
            "correlación frente a causalidad",
            "la puntuación z",
        ],
        "physics_problem": [
            "Se lanza una pelota hacia arriba a 15 m/s. ¿Qué altura máxima alcanza?",
            "Un coche pasa de 0 a 27 m/s en 9 segundos. ¿Cuál es su aceleración?",
            "Se empuja una caja de 2 kg con 10 N sobre un suelo con coeficiente de rozamiento 0,3. ¿Se mueve?",
            "¿Qué corriente circula por un circuito de 12 V con una resistencia de 4 ohmios?",
            "Un esquiador de 60 kg baja una pendiente de 20 m de altura sin rozamiento. ¿Con qué velocidad llega abajo?",
        ],
        "physics_concept": [
            "la tercera ley de Newton",
            "la conservación del momento lineal",
            "la fuerza centrípeta",
            "el potencial eléctrico",
            "por qué el cielo es azul",
        ],
        "physics_pair": ["rapidez y velocidad", "masa y peso", "trabajo y potencia", "voltaje e intensidad"],
        "grammar_point": [
            "la diferencia entre 'since' y 'for' en inglés",
            "cuándo usar el present perfect y cuándo el past simple",
            "los phrasal verbs con 'get'",
            "el orden de los adjetivos en inglés",
            "cuándo se usa 'the' y cuándo no",
            "el subjuntivo en francés",
        ],
        "phrase": [
            "Llegamos unos 20 minutos tarde, empezad sin nosotros.",
            "¿Me podría reenviar la factura? No la encuentro.",
            "¡Feliz cumpleaños, abuela! Te echamos mucho de menos.",
            "¿Hay alguna farmacia abierta por aquí cerca?",
            "El paquete llegó dañado y me gustaría un reemplazo.",
            "Soy alérgica a los cacahuetes, ¿este plato lleva?",
        ],
        "target_lang": ["inglés", "francés", "alemán", "italiano", "portugués", "japonés"],
        "vocab_theme": [
            "la cocina",
            "las entrevistas de trabajo",
            "el médico",
            "las emociones",
            "el tiempo",
            "el transporte público",
        ],
    },
    "fr": {
        "py_context": [
            "lire un fichier CSV avec pandas",
            "parcourir un dictionnaire",
            "lancer mon appli Flask",
            "scraper une page avec BeautifulSoup",
            "charger une fonction depuis un autre fichier",
            "récupérer le JSON d'une API",
        ],
        "sql_task": [
            "récupérer les 5 clients qui ont le plus dépensé",
            "compter les commandes par mois sur l'année dernière",
            "trouver les utilisateurs qui n'ont jamais passé de commande",
            "supprimer les doublons en gardant la ligne la plus récente",
            "lister chaque employé avec le nom de son manager",
            "calculer un cumul des ventes par jour",
        ],
        "rows": ["50 000", "300 000", "2 millions de", "une dizaine de millions de"],
        "fe_problem": [
            "centrer une div verticalement et horizontalement",
            "garder la barre de navigation fixe en haut au scroll",
            "faire une grille de cartes responsive qui passe sur une colonne sur mobile",
            "mettre en place un bouton mode sombre qui se souvient du choix",
            "bloquer les re-rendus en boucle de mon composant React",
            "montrer un spinner pendant qu'un fetch charge",
        ],
        "framework": _FRAMEWORKS,
        "job": [
            "consultant data junior",
            "conseillère de vente",
            "chargée de communication",
            "développeur web",
            "serveur",
            "professeur de mathématiques",
            "chef de projet",
            "graphiste",
            "conseiller clientèle",
            "technicienne de laboratoire",
        ],
        "email_purpose": [
            "demander mon vendredi à mon manager",
            "relancer un client dont la facture a 30 jours de retard",
            "refuser poliment une invitation à une réunion",
            "me plaindre auprès de mon propriétaire du chauffage en panne depuis une semaine",
            "remercier une collègue qui m'a remplacé",
            "demander un délai supplémentaire à mon professeur",
            "prévenir mon équipe que je quitte l'entreprise",
        ],
        "essay_topic": [
            "l'impact des réseaux sociaux sur les adolescents",
            "les causes de la Première Guerre mondiale",
            "la gratuité de l'université",
            "le changement climatique dans les villes côtières",
            "le symbolisme dans L'Étranger de Camus",
            "le télétravail et la productivité",
        ],
        "_words": _WORDS_EU,
        "_dish": [
            {"dish": "bœuf bourguignon", "dish_the": "le bœuf bourguignon"},
            {"dish": "quiche lorraine", "dish_the": "la quiche lorraine"},
            {"dish": "gratin dauphinois", "dish_the": "le gratin dauphinois"},
            {"dish": "blanquette de veau", "dish_the": "la blanquette de veau"},
            {"dish": "risotto aux champignons", "dish_the": "le risotto aux champignons"},
            {"dish": "ratatouille", "dish_the": "la ratatouille"},
            {"dish": "curry de lentilles", "dish_the": "le curry de lentilles"},
            {"dish": "soupe à l'oignon", "dish_the": "la soupe à l'oignon"},
        ],
        "ingredient": ["crème fraîche", "vin blanc", "beurre", "lardons", "parmesan", "bouillon de volaille"],
        "bake": [
            "pain au levain",
            "banana bread",
            "cookies aux pépites de chocolat",
            "cheesecake",
            "croissants",
            "madeleines",
            "tarte au citron meringuée",
            "brioche",
        ],
        "bake_problem": [
            "la pâte est restée dense",
            "tout s'est effondré au milieu",
            "c'était sec et friable",
            "la pâte n'a pas levé du tout",
            "c'était brûlé dessous et pas cuit dedans",
        ],
        "diet": [
            "végétarien",
            "riche en protéines",
            "pauvre en glucides",
            "sans lactose",
            "méditerranéen",
            "vegan",
        ],
        "city": ["Lisbonne", "Kyoto", "Rome", "Barcelone", "Prague", "Istanbul", "Montréal", "New York"],
        "travel_style": [
            "avec un petit budget",
            "avec deux jeunes enfants",
            "avec mes parents âgés",
            "en lune de miel",
            "en solo",
            "entre amis",
        ],
        "_country": [
            {"country": "Japon", "to_country": "au Japon", "visa_for": "pour le Japon"},
            {"country": "États-Unis", "to_country": "aux États-Unis", "visa_for": "pour les États-Unis"},
            {"country": "Royaume-Uni", "to_country": "au Royaume-Uni", "visa_for": "pour le Royaume-Uni"},
            {"country": "Canada", "to_country": "au Canada", "visa_for": "pour le Canada"},
            {"country": "Australie", "to_country": "en Australie", "visa_for": "pour l'Australie"},
            {"country": "Chine", "to_country": "en Chine", "visa_for": "pour la Chine"},
        ],
        "passport": ["marocain", "algérien", "sénégalais", "tunisien", "français", "belge"],
        "trip": [
            "une semaine en Islande en février",
            "des vacances à la plage en Thaïlande",
            "un déplacement pro de trois jours à Chicago",
            "une randonnée de 10 jours dans les Alpes",
            "un week-end d'hiver à Montréal",
            "deux semaines en sac à dos au Vietnam",
        ],
        "fitness_goal": [
            "perdre du gras",
            "prendre du muscle",
            "courir 5 km sans m'arrêter",
            "faire plus de tractions",
            "corriger ma posture",
            "reprendre le sport après une blessure",
        ],
        "equipment": [
            "juste une paire d'haltères",
            "rien du tout comme matériel",
            "accès à une salle complète",
            "des élastiques",
            "une barre de traction et un kettlebell",
        ],
        "sleep_problem": [
            "je me réveille à 3 h du matin et je n'arrive pas à me rendormir",
            "je mets plus d'une heure à m'endormir",
            "je dors 8 heures mais je me réveille épuisé",
            "mon rythme de sommeil est détruit par le travail de nuit",
            "je n'arrive pas à lâcher mon téléphone au lit",
            "le décalage horaire me tue depuis mon retour d'Asie",
        ],
        "food": [
            "l'avocat",
            "le yaourt grec",
            "le beurre de cacahuète",
            "le riz blanc",
            "le pain complet",
            "le fromage blanc",
        ],
        "expense": ["les restos", "les abonnements", "les vêtements", "la voiture", "les achats en ligne"],
        "freelance_job": ["graphiste", "photographe", "traductrice", "développeur web", "coach sportif"],
        "pval": _PVAL_COMMA,
        "stats_concept": [
            "l'écart-type",
            "la p-valeur",
            "un intervalle de confiance",
            "la différence entre moyenne et médiane",
            "le lien entre corrélation et causalité",
            "le score z",
        ],
        "physics_problem": [
            "On lance une balle vers le haut à 15 m/s. Quelle hauteur maximale atteint-elle ?",
            "Une voiture passe de 0 à 27 m/s en 9 secondes. Quelle est son accélération ?",
            "On pousse une caisse de 2 kg avec une force de 10 N sur un sol avec un coefficient de frottement de 0,3. Est-ce qu'elle bouge ?",
            "Quelle intensité traverse un circuit de 12 V avec une résistance de 4 ohms ?",
            "Un skieur de 60 kg descend une pente de 20 m de haut sans frottement. Quelle est sa vitesse en bas ?",
        ],
        "physics_concept": [
            "la troisième loi de Newton",
            "la conservation de la quantité de mouvement",
            "la force centripète",
            "le potentiel électrique",
            "pourquoi le ciel est bleu",
        ],
        "physics_pair": [
            "masse et poids",
            "travail et puissance",
            "tension et intensité",
            "énergie et puissance",
        ],
        "grammar_point": [
            "la différence entre le present perfect et le prétérit en anglais",
            "l'emploi de 'since' et 'for'",
            "l'ordre des adjectifs en anglais",
            "les phrasal verbs avec 'get'",
            "l'usage de l'article 'the' en anglais",
            "la différence entre 'ser' et 'estar' en espagnol",
        ],
        "phrase": [
            "On a environ 20 minutes de retard, commencez sans nous.",
            "Pourriez-vous me renvoyer la facture ? Je ne la retrouve pas.",
            "Joyeux anniversaire, mamie ! Tu nous manques beaucoup.",
            "Est-ce qu'il y a une pharmacie ouverte près d'ici ?",
            "Le colis est arrivé abîmé, je voudrais un remplacement.",
            "Je suis allergique aux arachides, est-ce que ce plat en contient ?",
        ],
        "target_lang": ["anglais", "espagnol", "allemand", "italien", "japonais", "portugais"],
        "vocab_theme": [
            "la cuisine",
            "les entretiens d'embauche",
            "le médecin",
            "les émotions",
            "la météo",
            "les transports en commun",
        ],
    },
    "de": {
        "py_context": [
            "eine CSV-Datei mit pandas einzulesen",
            "über ein Dictionary zu iterieren",
            "eine API aufzurufen und das JSON zu lesen",
            "meine Flask-App zu starten",
            "eine Seite mit BeautifulSoup zu scrapen",
            "eine Funktion aus einer anderen Datei zu importieren",
        ],
        "sql_task": [
            "die 5 Kunden mit dem höchsten Bestellwert zu ermitteln",
            "die Bestellungen pro Monat im letzten Jahr zu zählen",
            "Nutzer zu finden, die nie etwas bestellt haben",
            "doppelte Zeilen zu löschen und nur die neueste zu behalten",
            "jeden Mitarbeiter mit dem Namen seines Vorgesetzten aufzulisten",
            "eine laufende Summe der Umsätze pro Tag zu berechnen",
        ],
        "rows": ["50.000", "300.000", "2 Millionen", "rund 10 Millionen"],
        "fe_problem": [
            "ein div vertikal und horizontal zu zentrieren",
            "die Navigationsleiste beim Scrollen oben fixiert zu lassen",
            "ein responsives Karten-Grid zu bauen, das auf dem Handy einspaltig wird",
            "einen Dark-Mode-Schalter einzubauen, der sich die Auswahl merkt",
            "zu verhindern, dass meine React-Komponente endlos neu rendert",
            "einen Lade-Spinner anzuzeigen, solange fetch() wartet",
        ],
        "framework": _FRAMEWORKS,
        "job": [
            "Junior-Datenanalyst",
            "Pflegefachkraft",
            "Marketing-Koordinatorin",
            "Softwareentwickler",
            "Barista",
            "Mathelehrer",
            "Projektmanagerin",
            "Grafikdesigner",
            "Kundenservice-Mitarbeiter",
        ],
        "email_purpose": [
            "meinen Chef um einen freien Freitag zu bitten",
            "einen Kunden an eine seit 30 Tagen überfällige Rechnung zu erinnern",
            "eine Meeting-Einladung höflich abzusagen",
            "mich bei meinem Vermieter über die seit einer Woche kaputte Heizung zu beschweren",
            "mich bei einer Kollegin fürs Einspringen zu bedanken",
            "meinen Professor um eine Fristverlängerung zu bitten",
            "meinem Team mitzuteilen, dass ich kündige",
        ],
        "essay_topic": [
            "den Einfluss von Social Media auf Jugendliche",
            "die Ursachen des Ersten Weltkriegs",
            "die Gebührenfreiheit des Studiums",
            "den Klimawandel in Küstenstädten",
            "die Symbolik in Kafkas Die Verwandlung",
            "Homeoffice und Produktivität",
        ],
        "_words": _WORDS_EU,
        "dish": [
            "Gulasch",
            "Käsespätzle",
            "Kartoffelsuppe",
            "Linsencurry",
            "Hühnerfrikassee",
            "Lasagne",
            "Rinderrouladen",
            "Pilzrisotto",
        ],
        "ingredient": ["Sahne", "Knoblauch", "Weißwein", "Gemüsebrühe", "Butter", "Parmesan"],
        "bake": [
            "Sauerteigbrot",
            "Bananenbrot",
            "Schokoladenkekse",
            "Käsekuchen",
            "Croissants",
            "Zimtschnecken",
            "Zitronenkuchen",
            "Brownies",
        ],
        "bake_problem": [
            "ist der Teig total kompakt geblieben",
            "ist alles in der Mitte eingesunken",
            "war es trocken und bröselig",
            "ist der Teig gar nicht aufgegangen",
            "war es unten verbrannt und innen roh",
        ],
        "diet": ["vegetarisch", "proteinreich", "low carb", "laktosefrei", "mediterran", "vegan"],
        "city": ["Lissabon", "Kyoto", "Rom", "Barcelona", "Prag", "Istanbul", "Kopenhagen", "New York"],
        "travel_style": [
            "mit kleinem Budget",
            "mit zwei kleinen Kindern",
            "mit meinen älteren Eltern",
            "auf Hochzeitsreise",
            "allein",
            "mit ein paar Freunden",
        ],
        "_country": [
            {"country": "Japan", "to_country": "nach Japan"},
            {"country": "die USA", "to_country": "in die USA"},
            {"country": "Großbritannien", "to_country": "nach Großbritannien"},
            {"country": "Kanada", "to_country": "nach Kanada"},
            {"country": "Australien", "to_country": "nach Australien"},
            {"country": "China", "to_country": "nach China"},
        ],
        "passport": [
            "deutschen",
            "türkischen",
            "ukrainischen",
            "serbischen",
            "österreichischen",
            "polnischen",
        ],
        "trip": [
            "eine Woche Island im Februar",
            "einen Strandurlaub in Thailand",
            "eine dreitägige Dienstreise nach Chicago",
            "eine 10-tägige Wandertour in den Alpen",
            "ein Winterwochenende in Kopenhagen",
            "zwei Wochen Backpacking in Vietnam",
        ],
        "fitness_goal": [
            "Fett zu verlieren",
            "Muskeln aufzubauen",
            "5 km am Stück zu laufen",
            "mehr Klimmzüge zu schaffen",
            "meine Haltung zu verbessern",
            "nach einer Verletzung wieder fit zu werden",
        ],
        "equipment": [
            "nur ein Paar Kurzhanteln",
            "gar keine Geräte",
            "ein komplettes Fitnessstudio",
            "Widerstandsbänder",
            "eine Klimmzugstange und eine Kettlebell",
        ],
        "sleep_problem": [
            "ich wache jede Nacht um 3 Uhr auf und kann nicht wieder einschlafen",
            "ich brauche über eine Stunde zum Einschlafen",
            "ich schlafe 8 Stunden und bin trotzdem total erschöpft",
            "mein Schlafrhythmus ist durch die Nachtschichten komplett durcheinander",
            "ich komme abends im Bett nicht vom Handy los",
            "der Jetlag nach meinem Asienflug macht mich fertig",
        ],
        "food": [
            "griechischer Joghurt",
            "Erdnussbutter",
            "weißer Reis",
            "Vollkornbrot",
            "Magerquark",
            "Avocado",
        ],
        "expense": ["Essen gehen", "Abos", "Klamotten", "das Auto", "Online-Shopping"],
        "freelance_job": [
            "Grafikdesigner",
            "Fotografin",
            "Übersetzer",
            "Webentwicklerin",
            "Personal Trainer",
        ],
        "pval": _PVAL_COMMA,
        "stats_concept": [
            "die Standardabweichung",
            "den p-Wert",
            "ein Konfidenzintervall",
            "den Unterschied zwischen Mittelwert und Median",
            "Korrelation vs. Kausalität",
            "den z-Wert",
        ],
        "physics_problem": [
            "Ein Ball wird mit 15 m/s senkrecht nach oben geworfen. Wie hoch fliegt er?",
            "Ein Auto beschleunigt in 9 Sekunden von 0 auf 27 m/s. Wie groß ist die Beschleunigung?",
            "Eine 2-kg-Kiste wird mit 10 N über einen Boden mit Reibungskoeffizient 0,3 geschoben. Bewegt sie sich?",
            "Welcher Strom fließt in einem 12-V-Stromkreis mit einem 4-Ohm-Widerstand?",
            "Ein 60 kg schwerer Skifahrer fährt reibungsfrei einen 20 m hohen Hang hinunter. Wie schnell ist er unten?",
        ],
        "physics_concept": [
            "das dritte newtonsche Gesetz",
            "die Impulserhaltung",
            "die Zentripetalkraft",
            "das elektrische Potential",
            "warum der Himmel blau ist",
        ],
        "physics_pair": [
            "Masse und Gewicht",
            "Arbeit und Leistung",
            "Spannung und Stromstärke",
            "Geschwindigkeit und Beschleunigung",
        ],
        "grammar_point": [
            "den Unterschied zwischen Present Perfect und Simple Past",
            "die Verwendung von 'since' und 'for'",
            "die Reihenfolge der Adjektive im Englischen",
            "Phrasal Verbs mit 'get'",
            "den Unterschied zwischen 'ser' und 'estar' im Spanischen",
            "den Subjonctif im Französischen",
        ],
        "phrase": [
            "Wir verspäten uns um etwa 20 Minuten, fangt ohne uns an.",
            "Könnten Sie mir die Rechnung noch einmal schicken? Ich finde sie nicht.",
            "Alles Gute zum Geburtstag, Oma! Wir vermissen dich.",
            "Gibt es hier in der Nähe eine Apotheke, die offen hat?",
            "Das Paket kam beschädigt an, ich hätte gern Ersatz.",
            "Ich bin allergisch gegen Erdnüsse. Sind in dem Gericht welche drin?",
        ],
        "target_lang": ["Englisch", "Spanisch", "Französisch", "Italienisch", "Japanisch", "Polnisch"],
        "vocab_theme": [
            "Kochen",
            "Vorstellungsgespräch",
            "Arztbesuch",
            "Gefühle",
            "Wetter",
            "öffentlicher Nahverkehr",
        ],
    },
    "ja": {
        "py_context": [
            "pandasでCSVファイルを読み込む",
            "辞書をループで回す",
            "APIを呼んでJSONを読む",
            "Flaskアプリを起動する",
            "BeautifulSoupでスクレイピングする",
            "別ファイルの関数をインポートする",
        ],
        "sql_task": [
            "合計注文金額が多い上位5人の顧客を取得する",
            "去年の月ごとの注文数を数える",
            "一度も注文していないユーザーを探す",
            "重複行を最新のものだけ残して削除する",
            "社員と上司の名前を一緒に表示する",
            "日ごとの売上の累計を計算する",
        ],
        "rows": ["5万", "30万", "200万", "1000万"],
        "fe_problem": [
            "divを縦横中央に配置する",
            "スクロールしてもナビゲーションバーを上に固定する",
            "スマホでは1列になるレスポンシブなカードグリッドを作る",
            "選択を記憶するダークモード切り替えボタンを付ける",
            "Reactコンポーネントが無限に再レンダリングされるのを止める",
            "fetchの読み込み中にスピナーを表示する",
        ],
        "framework": _FRAMEWORKS,
        "job": [
            "データアナリスト",
            "看護師",
            "マーケティング担当",
            "ソフトウェアエンジニア",
            "カフェスタッフ",
            "高校の数学教師",
            "プロジェクトマネージャー",
            "グラフィックデザイナー",
            "カスタマーサポート",
        ],
        "email_purpose": [
            "上司に金曜日の休みをお願いする",
            "支払いが30日遅れている取引先に請求書のリマインドを送る",
            "会議の招待を丁寧に断る",
            "一週間暖房が壊れていることを大家さんに伝える",
            "シフトを代わってくれた同僚にお礼を言う",
            "教授にレポートの締め切り延長をお願いする",
            "チームに退職することを伝える",
        ],
        "essay_topic": [
            "SNSが10代の睡眠に与える影響",
            "第一次世界大戦の原因",
            "大学の学費無償化の是非",
            "沿岸都市の気候変動対策",
            "『こころ』における孤独の描写",
            "リモートワークと生産性",
        ],
        "_words": _WORDS_CJK,
        "dish": [
            "肉じゃが",
            "親子丼",
            "カレーライス",
            "麻婆豆腐",
            "鶏の唐揚げ",
            "ハンバーグ",
            "豚の生姜焼き",
            "ミネストローネ",
        ],
        "ingredient": ["みりん", "卵", "生クリーム", "料理酒", "しょうが"],
        "bake": [
            "食パン",
            "バナナブレッド",
            "チョコチップクッキー",
            "ベイクドチーズケーキ",
            "シフォンケーキ",
            "クロワッサン",
            "スコーン",
            "ガトーショコラ",
        ],
        "bake_problem": [
            "生地が詰まって重くなりました",
            "真ん中がへこんでしまいました",
            "パサパサになりました",
            "全然膨らみませんでした",
            "底が焦げて中が生焼けでした",
        ],
        "diet": ["ベジタリアン", "高タンパク", "低糖質", "乳製品なし", "地中海式"],
        "city": ["京都", "ソウル", "台北", "パリ", "バルセロナ", "ニューヨーク", "ロンドン", "バンコク"],
        "travel_style": [
            "予算を抑えて",
            "小さい子ども2人と",
            "高齢の両親と",
            "新婚旅行で",
            "一人で",
            "友達グループで",
        ],
        "country": ["アメリカ", "イギリス", "中国", "オーストラリア", "カナダ", "インド", "ブラジル"],
        "trip": [
            "2月のアイスランド1週間",
            "タイでのビーチリゾート旅行",
            "3日間のシカゴ出張",
            "アルプスでの10日間のトレッキング",
            "冬の北海道旅行",
            "ベトナムで2週間のバックパック旅行",
        ],
        "fitness_goal": [
            "脂肪を落としたい",
            "筋肉をつけたい",
            "5キロ走れるようになりたい",
            "懸垂の回数を増やしたい",
            "姿勢を良くしたい",
            "ケガから復帰して体力を戻したい",
        ],
        "equipment": [
            "ダンベルだけ",
            "器具なし",
            "ヨガマットだけ",
            "トレーニングチューブ",
            "懸垂バーとケトルベル",
        ],
        "sleep_problem": [
            "毎晩3時に目が覚めて、そのあと眠れません",
            "寝つくまでに1時間以上かかります",
            "8時間寝ても疲れが取れません",
            "夜勤のせいで睡眠リズムがめちゃくちゃです",
            "ベッドでスマホをやめられません",
            "アジアから帰ってきてから時差ボケがひどいです",
        ],
        "food": ["オートミール", "ギリシャヨーグルト", "ピーナッツバター", "白米", "プロテインバー", "納豆"],
        "expense": ["外食", "サブスク", "服", "コンビニ", "ネットショッピング"],
        "freelance_job": [
            "フリーランスのデザイナー",
            "カメラマン",
            "翻訳者",
            "Webエンジニア",
            "パーソナルトレーナー",
        ],
        "pval": _PVAL_DOT,
        "stats_concept": [
            "標準偏差",
            "p値",
            "信頼区間",
            "平均値と中央値の違い",
            "相関と因果の違い",
            "zスコア",
        ],
        "physics_problem": [
            "ボールを秒速15 mで真上に投げたとき、最高点の高さは何 mですか？",
            "車が9秒間で0から27 m/sまで加速しました。加速度はいくらですか？",
            "質量2 kgの箱を10 Nの力で押します。動摩擦係数が0.3のとき、箱は動きますか？",
            "12 Vの回路に4 Ωの抵抗をつなぐと、流れる電流はいくらですか？",
            "質量60 kgのスキーヤーが高さ20 mの斜面を摩擦なしで滑り降りたときの速さは？",
        ],
        "physics_concept": ["ニュートンの第三法則", "運動量保存則", "向心力", "電位", "空が青い理由"],
        "physics_pair": ["質量と重さ", "仕事と仕事率", "電圧と電流", "速さと速度"],
        "grammar_point": [
            "英語の現在完了形と過去形の違い",
            "sinceとforの使い分け",
            "英語の形容詞の語順",
            "getを使った句動詞",
            "冠詞theを使うときと使わないとき",
            "仮定法過去",
        ],
        "phrase": [
            "20分ほど遅れますので、先に始めていてください。",
            "請求書をもう一度送っていただけますか？見つからなくて。",
            "おばあちゃん、お誕生日おめでとう！会いたいです。",
            "この近くに開いている薬局はありますか？",
            "荷物が破損して届いたので、交換をお願いしたいです。",
            "ピーナッツアレルギーがあります。この料理に入っていますか？",
        ],
        "target_lang": ["英語", "スペイン語", "フランス語", "韓国語", "中国語", "ドイツ語"],
        "vocab_theme": ["料理", "就職の面接", "病院", "感情", "天気", "公共交通機関"],
    },
    "zh": {
        "py_context": [
            "用pandas读取CSV文件",
            "遍历字典",
            "调用API并解析JSON",
            "启动Flask应用",
            "用BeautifulSoup爬网页",
            "从另一个文件导入函数",
        ],
        "sql_task": [
            "查出消费总额最高的前5个客户",
            "统计去年每个月的订单数",
            "找出注册了但从没下过单的用户",
            "删除重复行只保留最新的一条",
            "列出每个员工和他上级的名字",
            "按天计算销售额的累计值",
        ],
        "rows": ["5万", "30万", "200万", "1000万"],
        "fe_problem": [
            "让div水平垂直居中",
            "让导航栏在滚动时固定在顶部",
            "做一个在手机上变成单列的响应式卡片网格",
            "加一个能记住用户选择的深色模式开关",
            "阻止React组件无限重新渲染",
            "在fetch加载时显示加载动画",
        ],
        "framework": _FRAMEWORKS,
        "job": [
            "数据分析师",
            "护士",
            "市场专员",
            "软件工程师",
            "咖啡师",
            "高中数学老师",
            "项目经理",
            "平面设计师",
            "客服专员",
        ],
        "email_purpose": [
            "跟领导请周五的假",
            "提醒客户发票已经逾期30天",
            "礼貌地拒绝一个会议邀请",
            "向房东投诉暖气坏了一周",
            "感谢同事帮我代班",
            "向教授申请延期交论文",
            "告诉团队我要离职",
        ],
        "essay_topic": [
            "社交媒体对青少年睡眠的影响",
            "第一次世界大战的起因",
            "大学是否应该免费",
            "沿海城市如何应对气候变化",
            "《围城》中的讽刺手法",
            "远程办公与工作效率",
        ],
        "_words": _WORDS_CJK,
        "dish": ["红烧肉", "番茄炒蛋", "宫保鸡丁", "麻婆豆腐", "酸菜鱼", "可乐鸡翅", "鱼香肉丝", "清蒸鲈鱼"],
        "ingredient": ["料酒", "鸡蛋", "豆瓣酱", "生抽", "淀粉"],
        "bake": ["吐司", "香蕉面包", "巧克力曲奇", "芝士蛋糕", "戚风蛋糕", "可颂", "蛋挞", "布朗尼"],
        "bake_problem": [
            "面团又实又硬",
            "中间塌下去了",
            "口感很干还掉渣",
            "完全没有发起来",
            "底部烤焦了里面还是生的",
        ],
        "diet": ["素食", "高蛋白", "低碳水", "不含乳制品", "地中海式"],
        "city": ["京都", "东京", "首尔", "巴黎", "伦敦", "曼谷", "成都", "新加坡"],
        "travel_style": ["穷游", "带两个小孩", "带年迈的父母", "度蜜月", "一个人", "和朋友一起"],
        "country": ["日本", "美国", "英国", "申根国家", "澳大利亚", "加拿大", "泰国"],
        "trip": [
            "二月去冰岛玩一周",
            "去泰国海边度假",
            "去芝加哥出差三天",
            "在阿尔卑斯山徒步10天",
            "冬天去哈尔滨旅游",
            "在越南背包旅行两周",
        ],
        "fitness_goal": ["减脂", "增肌", "连续跑完5公里", "多做几个引体向上", "改善体态", "受伤后恢复体能"],
        "equipment": [
            "只有一对哑铃",
            "没有任何器械",
            "只有一台跑步机",
            "只有弹力带",
            "只有一根单杠和一个壶铃",
        ],
        "sleep_problem": [
            "每天凌晨3点醒来就再也睡不着",
            "要一个多小时才能睡着",
            "睡了8个小时还是觉得很累",
            "上夜班把作息完全打乱了",
            "躺在床上总是忍不住刷手机",
            "从亚洲回来后倒时差特别难受",
        ],
        "food": ["燕麦", "希腊酸奶", "花生酱", "白米饭", "蛋白棒", "牛油果"],
        "expense": ["点外卖", "各种会员订阅", "买衣服", "网购", "打车"],
        "freelance_job": ["设计师", "摄影师", "翻译", "程序员", "健身教练"],
        "pval": _PVAL_DOT,
        "stats_concept": [
            "标准差",
            "p值",
            "置信区间",
            "平均数和中位数的区别",
            "相关性和因果关系的区别",
            "z分数",
        ],
        "physics_problem": [
            "以15 m/s的速度竖直向上抛出一个球，它能达到的最大高度是多少？",
            "一辆汽车在9秒内从0加速到27 m/s，加速度是多少？",
            "用10 N的力推一个2 kg的箱子，地面摩擦系数是0.3，箱子会动吗？",
            "12 V的电路里接一个4 Ω的电阻，电流是多少？",
            "60 kg的滑雪者从20 m高的坡上无摩擦滑下，到底部时速度是多少？",
        ],
        "physics_concept": ["牛顿第三定律", "动量守恒", "向心力", "电势", "天空为什么是蓝色的"],
        "physics_pair": ["质量和重量", "功和功率", "电压和电流", "速率和速度"],
        "grammar_point": [
            "英语现在完成时和一般过去时的区别",
            "since和for的用法",
            "英语形容词的排列顺序",
            "get相关的短语动词",
            "什么时候用定冠词the",
            "虚拟语气",
        ],
        "phrase": [
            "我们大概会晚到20分钟，你们先开始吧。",
            "能再发一次发票吗？我找不到了。",
            "奶奶生日快乐！我们很想你。",
            "附近有没有还开着的药店？",
            "包裹到的时候已经坏了，我想换一个。",
            "我对花生过敏，这道菜里有花生吗？",
        ],
        "target_lang": ["英语", "日语", "法语", "德语", "韩语", "西班牙语"],
        "vocab_theme": ["做饭", "求职面试", "看病", "情绪", "天气", "公共交通"],
    },
}

# ---------------------------------------------------------------------------------------------
# Opening user requests: OPENINGS[subtopic][lang]. The first user turn alone reveals the subtopic.
# ---------------------------------------------------------------------------------------------

OPENINGS: dict[str, dict[str, list[str]]] = {
    "python_debugging": {
        "en": [
            "I'm getting `{py_error}` when {py_context}. What does it mean and how do I fix it?",
            "Why does Python throw {py_error} on this line?\n\n{py_line}",
            "my script keeps crashing with {py_error}, it happens while {py_context}. any idea what's wrong?",
            "Can you help me debug this? The traceback ends with `{py_error}`. I'm {py_context}.",
            "Python question: `{py_line}` gives me {py_error}. I don't understand why, it worked yesterday.",
            "I'm new to Python and I'm stuck on {py_error} while {py_context}. Can you explain it like I'm a beginner?",
            "Getting {py_error} in my code. Here's the relevant part:\n\n{py_line}\n\nWhat am I doing wrong?",
            "How do I stop my Python program from raising {py_error}? It happens when {py_context}.",
        ],
        "es": [
            "Me sale el error `{py_error}` cuando intento {py_context}. ¿Qué significa y cómo lo arreglo?",
            "¿Por qué Python me da {py_error} en esta línea?\n\n{py_line}",
            "Estoy aprendiendo Python y mi programa falla con {py_error} al {py_context}. ¿Me ayudas a encontrar el fallo?",
            "Tengo un script que da {py_error}. Esta es la parte que falla:\n\n{py_line}\n\n¿Qué estoy haciendo mal?",
        ],
        "fr": [
            "J'ai l'erreur `{py_error}` quand j'essaie de {py_context}. Ça veut dire quoi et comment je corrige ?",
            "Pourquoi Python me renvoie {py_error} sur cette ligne ?\n\n{py_line}",
            "Je débute en Python et mon script plante avec {py_error} au moment de {py_context}. Tu peux m'aider à trouver le bug ?",
            "Mon code Python lève {py_error} ici :\n\n{py_line}\n\nQu'est-ce que je fais de travers ?",
        ],
        "de": [
            "Ich bekomme `{py_error}`, wenn ich versuche, {py_context}. Was bedeutet das und wie behebe ich es?",
            "Warum wirft Python bei dieser Zeile {py_error}?\n\n{py_line}",
            "Ich lerne gerade Python und mein Skript stürzt mit {py_error} ab, sobald ich versuche, {py_context}. Kannst du mir helfen, den Fehler zu finden?",
            "Mein Python-Code liefert {py_error} an dieser Stelle:\n\n{py_line}\n\nWas mache ich falsch?",
        ],
        "ja": [
            "{py_context}と`{py_error}`というエラーが出ます。どういう意味で、どう直せばいいですか？",
            "この行でPythonが{py_error}を出すのはなぜですか？\n\n{py_line}",
            "Python初心者です。{py_context}ときに{py_error}で止まってしまいます。原因を教えてください。",
            "Pythonのエラーについて質問です。\n\n{py_line}\n\nの部分で {py_error} になります。何が間違っていますか？",
        ],
        "zh": [
            "我在{py_context}的时候报错 `{py_error}`，这是什么意思？怎么修复？",
            "为什么Python在这一行报{py_error}？\n\n{py_line}",
            "我是Python新手，{py_context}时程序一直报{py_error}，能帮我看看哪里错了吗？",
            "Python报错求助：\n\n{py_line}\n\n这里出现 {py_error}，我哪里写错了？",
        ],
    },
    "sql_queries": {
        "en": [
            "How do I write a SQL query to {sql_task}? I'm using {db}.",
            "Can you write me a {db} query that will {sql_task}? The main table is called {table}.",
            "sql help: need to {sql_task}. tried GROUP BY but getting weird results",
            "What's the most efficient way in {db} to {sql_task}? The {table} table has {rows} rows.",
            "My query to {sql_task} returns duplicates. I'm joining {table} with another table. How do I fix the JOIN?",
            "I need a SQL query for a report: {sql_task}. Could you explain each part of the query too?",
            "Is it better to use a subquery or a window function to {sql_task} in {db}?",
        ],
        "es": [
            "¿Cómo hago una consulta SQL para {sql_task}? Uso {db}.",
            "Necesito una query en {db} para {sql_task}. La tabla principal se llama {table}.",
            "Ayuda con SQL: quiero {sql_task} pero el GROUP BY me da resultados raros.",
            "¿Cuál es la forma más eficiente de {sql_task} en {db}? La tabla {table} tiene {rows} filas.",
        ],
        "fr": [
            "Comment écrire une requête SQL pour {sql_task} ? Je suis sur {db}.",
            "Tu peux m'écrire une requête {db} pour {sql_task} ? La table s'appelle {table}.",
            "Besoin d'aide en SQL : je veux {sql_task} mais mon GROUP BY donne des résultats bizarres.",
            "Quelle est la manière la plus efficace de {sql_task} avec {db} ? La table {table} fait {rows} lignes.",
        ],
        "de": [
            "Wie schreibe ich eine SQL-Abfrage, um {sql_task}? Ich nutze {db}.",
            "Kannst du mir eine {db}-Query schreiben, um {sql_task}? Die Tabelle heißt {table}.",
            "SQL-Frage: Ich versuche, {sql_task}, aber mit GROUP BY kommen komische Ergebnisse raus.",
            "Was ist in {db} der effizienteste Weg, {sql_task}? Die Tabelle {table} hat {rows} Zeilen.",
        ],
        "ja": [
            "SQLで{sql_task}クエリの書き方を教えてください。{db}を使っています。",
            "{db}で{sql_task}にはどう書けばいいですか？テーブル名は{table}です。",
            "SQLの質問です。{sql_task}ためにGROUP BYを使ったら、結果がおかしくなりました。",
            "{table}テーブル（約{rows}行）で{sql_task}一番効率的なSQLは？",
        ],
        "zh": [
            "SQL怎么写才能{sql_task}？我用的是{db}。",
            "帮我写一个{db}查询，{sql_task}，表名是{table}。",
            "SQL求助：我想{sql_task}，但是用了GROUP BY结果很奇怪。",
            "在{db}里{sql_task}，最高效的SQL写法是什么？{table}表大概有{rows}行。",
        ],
    },
    "web_frontend": {
        "en": [
            "How do I {fe_problem} using {framework}?",
            "I've been trying to {fe_problem} for an hour and nothing works. Can you show me a simple example in {framework}?",
            "frontend question: what's the cleanest way to {fe_problem}?",
            "Can you write the HTML/CSS/JS to {fe_problem}? Keep it minimal please.",
            "My website looks broken on phones. I want to {fe_problem} — what's the right approach with {framework}?",
            "What's wrong with my approach? I'm trying to {fe_problem} in {framework} but the layout jumps around.",
            "Explain how to {fe_problem} on a web page. I'm a backend dev so go easy on the CSS jargon.",
        ],
        "es": [
            "¿Cómo puedo {fe_problem} con {framework}?",
            "Llevo una hora intentando {fe_problem} y no hay manera. ¿Me pones un ejemplo sencillo en {framework}?",
            "Duda de frontend: ¿cuál es la forma más limpia de {fe_problem} en una web?",
            "Mi web se ve rota en el móvil. Quiero {fe_problem}, ¿cómo lo hago bien con CSS?",
        ],
        "fr": [
            "Comment {fe_problem} avec {framework} ?",
            "Ça fait une heure que j'essaie de {fe_problem} et rien ne marche. Tu peux me montrer un exemple simple en {framework} ?",
            "Question front-end : quelle est la façon la plus propre de {fe_problem} ?",
            "Mon site s'affiche mal sur téléphone. Je voudrais {fe_problem}, comment faire proprement en CSS ?",
        ],
        "de": [
            "Wie schaffe ich es, mit {framework} {fe_problem}?",
            "Ich versuche seit einer Stunde, {fe_problem}, und nichts klappt. Kannst du mir ein einfaches Beispiel in {framework} zeigen?",
            "Frontend-Frage: Was ist der sauberste Weg, {fe_problem}?",
            "Meine Website sieht auf dem Handy kaputt aus. Ich möchte versuchen, {fe_problem} — wie mache ich das mit CSS richtig?",
        ],
        "ja": [
            "{framework}で{fe_problem}にはどうすればいいですか？",
            "1時間ずっと{fe_problem}方法を試していますが、うまくいきません。{framework}での簡単な例を見せてもらえますか？",
            "フロントエンドの質問です。{fe_problem}一番きれいな方法は何ですか？",
            "サイトがスマホで崩れます。CSSで{fe_problem}ための正しいやり方を教えてください。",
        ],
        "zh": [
            "用{framework}怎么{fe_problem}？",
            "我试了一个小时想{fe_problem}，一直不行。能给我一个{framework}的简单例子吗？",
            "前端问题：{fe_problem}最简洁的写法是什么？",
            "我的网站在手机上显示错乱，想用CSS{fe_problem}，应该怎么做？",
        ],
    },
    "cover_letters": {
        "en": [
            "Can you write a cover letter for a {job} position at {company}? I have {years} years of experience.",
            "I need a cover letter for a {job} job. I'm switching careers and have no direct experience — how do I make that sound okay?",
            "help me write a short cover letter, applying to be a {job} at {company}, due tonight",
            "Could you review my cover letter opening? 'Dear Hiring Manager, I am writing to apply for the {job} role at {company}.' It feels so generic.",
            "What should a cover letter for a {job} include? I've got {years} years in the field but I always undersell myself.",
            "Write a cover letter for {company}'s {job} opening. Tone: confident but not arrogant. Keep it under 300 words.",
            "How do I explain a two-year employment gap in my cover letter? I'm applying for a {job} role.",
        ],
        "es": [
            "¿Me puedes escribir una carta de presentación para un puesto de {job} en {company}? Tengo {years} años de experiencia.",
            "Necesito una carta de presentación para trabajar de {job}, pero vengo de otro sector. ¿Cómo lo planteo?",
            "Revisa el inicio de mi carta de presentación, por favor: «Estimados señores: me dirijo a ustedes para solicitar el puesto de {job} en {company}.» Suena muy genérico, ¿no?",
            "¿Qué debería incluir una carta de presentación para {job}? Llevo {years} años en el sector.",
        ],
        "fr": [
            "Tu peux m'écrire une lettre de motivation pour un poste de {job} chez {company} ? J'ai {years} ans d'expérience.",
            "J'ai besoin d'une lettre de motivation pour devenir {job}, mais je suis en reconversion. Comment présenter ça ?",
            "Peux-tu relire le début de ma lettre de motivation ? « Madame, Monsieur, je me permets de vous adresser ma candidature au poste de {job} chez {company}. » Je trouve ça trop banal.",
            "Qu'est-ce qu'il faut mettre dans une lettre de motivation pour un poste de {job} ? J'ai {years} ans d'expérience mais je me sous-estime toujours.",
        ],
        "de": [
            "Kannst du mir ein Anschreiben für eine Stelle als {job} bei {company} schreiben? Ich habe {years} Jahre Berufserfahrung.",
            "Ich brauche ein Bewerbungsanschreiben als {job}, bin aber Quereinsteiger. Wie verkaufe ich das am besten?",
            "Kannst du den Anfang meines Anschreibens verbessern? „Sehr geehrte Damen und Herren, hiermit bewerbe ich mich als {job} bei {company}.“ Klingt total langweilig.",
            "Was gehört in ein Anschreiben als {job}? Ich habe {years} Jahre Erfahrung, verkaufe mich aber immer unter Wert.",
        ],
        "ja": [
            "{company}の{job}職に応募するカバーレターを書いてもらえますか？経験は{years}年です。",
            "未経験から{job}に応募したいです。カバーレターの志望動機の書き方を教えてください。",
            "{job}のポジションに出すカバーレターに何を書けばいいですか？{years}年の経験がありますが、アピールが苦手です。",
            "英語で{job}のポジションに応募するカバーレターを書きたいです。書き出しの例をいくつか見せてください。",
        ],
        "zh": [
            "能帮我写一封应聘{company}{job}职位的求职信吗？我有{years}年工作经验。",
            "我想转行做{job}，没有相关经验，求职信应该怎么写？",
            "帮我改一下求职信的开头：“您好，我想应聘贵公司的{job}一职。”感觉太普通了。",
            "应聘{job}的求职信应该包含哪些内容？我有{years}年经验，但总是不会推销自己。",
        ],
    },
    "email_drafting": {
        "en": [
            "Can you help me write an email to {email_purpose}?",
            "I need to send an email to {email_purpose}. Keep it professional but friendly.",
            "write a short email to {email_purpose}. not too formal",
            "How do I word an email to {email_purpose} without sounding rude?",
            "Draft an email for me: I want to {email_purpose}. Max 5 sentences.",
            "Could you polish my email? I'm trying to {email_purpose} and my draft sounds awkward: 'Hi, just wanted to check about the thing we discussed.'",
            "I've been putting off an email to {email_purpose}. Can you write a first draft so I can finally send it?",
        ],
        "es": [
            "¿Me ayudas a escribir un correo para {email_purpose}?",
            "Necesito mandar un email para {email_purpose}. Que sea profesional pero cercano.",
            "¿Cómo redacto un correo para {email_purpose} sin sonar borde?",
            "Escríbeme un correo corto para {email_purpose}, máximo cinco frases.",
        ],
        "fr": [
            "Tu peux m'aider à écrire un mail pour {email_purpose} ?",
            "Je dois envoyer un e-mail pour {email_purpose}. Ton professionnel mais cordial, s'il te plaît.",
            "Comment formuler un mail pour {email_purpose} sans paraître impoli ?",
            "Rédige-moi un court e-mail pour {email_purpose}, cinq phrases maximum.",
        ],
        "de": [
            "Kannst du mir helfen, eine E-Mail zu schreiben, um {email_purpose}?",
            "Ich muss eine Mail schreiben, um {email_purpose}. Bitte professionell, aber freundlich.",
            "Wie formuliere ich eine E-Mail, um {email_purpose}, ohne unhöflich zu klingen?",
            "Schreib mir eine kurze Mail, um {email_purpose}. Maximal fünf Sätze.",
        ],
        "ja": [
            "{email_purpose}メールを書くのを手伝ってもらえますか？",
            "{email_purpose}ためのメールの文面を考えてください。丁寧すぎず、失礼にならない感じで。",
            "ビジネスメールの相談です。{email_purpose}場合、どう書けばいいですか？",
            "{email_purpose}短いメールを5文以内で書いてください。",
        ],
        "zh": [
            "能帮我写一封邮件，{email_purpose}吗？",
            "我需要发邮件{email_purpose}，语气要专业但友好。",
            "想写邮件{email_purpose}，怎么写才不会显得没礼貌？",
            "帮我写一封简短的邮件{email_purpose}，五句话以内。",
        ],
    },
    "essay_editing": {
        "en": [
            "Can you proofread my essay on {essay_topic}? Mainly grammar and flow. My intro starts: 'Since the beginning of time, people have argued about this.' Is that too cliché?",
            "I wrote a {words}-word essay about {essay_topic} and my teacher said the thesis is weak. How can I make it stronger?",
            "Please edit this paragraph for clarity, it's from my essay on {essay_topic}: 'There are many reasons for this and they are important because they show why it matters.'",
            "my essay on {essay_topic} is {words} words but the limit is {words_limit}. how do I cut it down without losing the argument?",
            "Could you give me feedback on the structure of my argumentative essay about {essay_topic}? I have an intro, three body paragraphs and a conclusion but it feels repetitive.",
            "How do I write a better conclusion for my essay on {essay_topic}? Mine just repeats the introduction.",
            "Can you check my essay for passive voice and wordy sentences? The topic is {essay_topic}.",
        ],
        "es": [
            "¿Puedes corregir mi redacción sobre {essay_topic}? Sobre todo la gramática y que se lea bien.",
            "Escribí un ensayo de {words} palabras sobre {essay_topic} y el profesor dice que la tesis es floja. ¿Cómo la mejoro?",
            "Mi ensayo sobre {essay_topic} tiene {words} palabras y el límite es {words_limit}. ¿Cómo lo recorto sin perder el argumento?",
            "¿Me das feedback sobre la estructura de mi ensayo argumentativo sobre {essay_topic}? Siento que repito las mismas ideas.",
        ],
        "fr": [
            "Tu peux corriger ma dissertation sur {essay_topic} ? Surtout l'orthographe et la fluidité.",
            "J'ai écrit une dissertation de {words} mots sur {essay_topic} et mon prof trouve ma problématique faible. Comment l'améliorer ?",
            "Ma dissertation sur {essay_topic} fait {words} mots alors que la limite est de {words_limit}. Comment la raccourcir sans perdre l'argumentation ?",
            "Peux-tu me donner ton avis sur le plan de mon essai sur {essay_topic} ? J'ai l'impression de me répéter.",
        ],
        "de": [
            "Kannst du meinen Aufsatz über {essay_topic} Korrektur lesen? Vor allem Grammatik und Lesefluss.",
            "Ich habe eine Hausarbeit mit {words} Wörtern über {essay_topic} geschrieben und meine Dozentin sagt, die These sei zu schwach. Wie mache ich sie stärker?",
            "Mein Essay über {essay_topic} hat {words} Wörter, erlaubt sind {words_limit}. Wie kürze ich, ohne das Argument zu verlieren?",
            "Kannst du mir Feedback zur Gliederung meiner Erörterung über {essay_topic} geben? Es wirkt irgendwie wiederholend.",
        ],
        "ja": [
            "{essay_topic}についてのレポートを添削してもらえますか？主に文法と読みやすさを見てほしいです。",
            "{essay_topic}について{words}字の小論文を書いたのですが、先生に主張が弱いと言われました。どう直せばいいですか？",
            "{essay_topic}のレポートが{words}字あって、制限は{words_limit}字です。論旨を崩さずに削るコツは？",
            "{essay_topic}に関する小論文の構成についてアドバイスをください。同じことを繰り返している気がします。",
        ],
        "zh": [
            "能帮我修改一下关于{essay_topic}的论文吗？主要看语法和通顺度。",
            "我写了一篇{words}字的关于{essay_topic}的议论文，老师说论点不够有力，怎么改？",
            "我关于{essay_topic}的文章有{words}字，但限制是{words_limit}字，怎么删减又不影响论证？",
            "请帮我看看这篇关于{essay_topic}的议论文结构，我感觉内容有点重复。",
        ],
    },
    "recipes": {
        "en": [
            "What's a good recipe for {dish} for {n_people} people?",
            "Can you give me an easy {dish} recipe? I don't have {ingredient}.",
            "how do i make {dish} from scratch",
            "I want to cook {dish} tonight for {n_people}. What ingredients do I need and how long does it take?",
            "Give me a quick weeknight version of {dish}, ideally under 30 minutes.",
            "My {dish} always turns out bland. What am I doing wrong? Can you share a recipe that actually has flavour?",
            "Is there a way to make {dish} without {ingredient}? Looking for a full recipe.",
        ],
        "es": [
            "¿Me das una receta de {dish} para {n_people} personas?",
            "¿Me explicas cómo hacer {dish} en casa? No tengo {ingredient}.",
            "Quiero preparar {dish} esta noche para {n_people}. ¿Qué ingredientes necesito y cuánto se tarda?",
            "Cada vez que hago {dish} me queda sin sabor. ¿Qué hago mal? Pásame una receta con más gracia.",
        ],
        "fr": [
            "Tu as une bonne recette de {dish} pour {n_people} personnes ?",
            "Comment réussir {dish_the} maison ? Je n'ai pas de {ingredient}.",
            "Je veux préparer {dish_the} ce soir pour {n_people}. Il me faut quoi comme ingrédients et combien de temps ça prend ?",
            "Est-ce qu'on peut faire {dish_the} sans {ingredient} ? Je cherche une recette complète.",
        ],
        "de": [
            "Hast du ein gutes Rezept für {dish} für {n_people} Personen?",
            "Wie mache ich {dish} selbst? {Ingredient} habe ich gerade nicht da.",
            "Ich will heute Abend {dish} für {n_people} Leute kochen. Was brauche ich und wie lange dauert das?",
            "Geht {dish} auch ohne {ingredient}? Ich suche ein komplettes Rezept.",
        ],
        "ja": [
            "{n_people}人分の{dish}のレシピを教えてください。",
            "{dish}を家で作りたいのですが、{ingredient}がありません。代わりに何を使えばいいですか？レシピも知りたいです。",
            "今夜{n_people}人で{dish}を作りたいです。材料と作り方、時間の目安を教えてください。",
            "いつも{dish}の味がぼやけてしまいます。おいしく作るコツとレシピをお願いします。",
        ],
        "zh": [
            "{n_people}个人吃的{dish}怎么做？求详细步骤。",
            "想在家做{dish}，但是没有{ingredient}，可以用什么代替？顺便给个做法。",
            "今晚想给{n_people}个人做{dish}，需要准备哪些材料，大概要多久？",
            "我做的{dish}总是没味道，哪里做错了？给我一个好吃的做法。",
        ],
    },
    "baking": {
        "en": [
            "My {bake} {bake_problem}. What went wrong?",
            "Can you give me a beginner-friendly recipe for {bake}?",
            "I'm baking {bake} for a party this weekend. Can I make the dough or batter the day before?",
            "why does my {bake} keep coming out like this — it {bake_problem}. I follow the recipe exactly",
            "How do I convert a {bake} recipe from cups to grams? I finally bought a kitchen scale.",
            "What's the difference between baking soda and baking powder in {bake}? Can I swap one for the other?",
            "I want to bake {bake} but my oven runs hot. What temperature and time should I use?",
        ],
        "es": [
            "He intentado hacer {bake} en casa y {bake_problem}. ¿Qué hice mal?",
            "¿Me pasas una receta fácil de {bake} para principiantes?",
            "Voy a hornear {bake} para un cumpleaños. ¿Puedo preparar la masa el día anterior?",
            "Mi horno calienta de más. ¿A qué temperatura y cuánto tiempo horneo {bake}?",
        ],
        "fr": [
            "J'ai essayé une recette de {bake} et {bake_problem}. Qu'est-ce qui n'a pas marché ?",
            "Tu aurais une recette facile de {bake} pour débutant ?",
            "Je fais une recette de {bake} pour un anniversaire ce week-end. Je peux préparer la pâte la veille ?",
            "Mon four chauffe trop. Quelle température et quel temps de cuisson pour une recette de {bake} ?",
        ],
        "de": [
            "Ich habe {bake} gebacken, aber leider {bake_problem}. Woran liegt das?",
            "Hast du ein einfaches Rezept für {bake} für Anfänger?",
            "Ich backe am Wochenende {bake} für eine Feier. Kann ich den Teig am Vortag vorbereiten?",
            "Mein Ofen heizt zu stark. Bei welcher Temperatur und wie lange sollte ich {bake} backen?",
        ],
        "ja": [
            "{bake}を焼いたら{bake_problem}。何がいけなかったのでしょうか？",
            "初心者でも作れる{bake}のレシピを教えてください。",
            "週末のパーティー用に{bake}を焼きます。生地は前日に作っておいても大丈夫ですか？",
            "うちのオーブンは温度が高めです。{bake}は何度で何分焼けばいいですか？",
        ],
        "zh": [
            "我烤的{bake}{bake_problem}，是哪里出了问题？",
            "有没有适合新手的{bake}配方？",
            "周末聚会要烤{bake}，面团或面糊可以提前一天做好吗？",
            "我家烤箱温度偏高，{bake}应该用多少度烤多久？",
        ],
    },
    "meal_planning": {
        "en": [
            "Can you make me a {days_meal}-day {diet} meal plan for {n_people} people?",
            "I want to meal prep on Sundays for the whole week. Can you plan {diet} lunches that keep well in the fridge?",
            "Plan a week of dinners for a family of {n_people} on a ${weekly_budget} budget, with a shopping list.",
            "help me plan meals for the next {days_meal} days, {diet}, I hate cooking so simple stuff please",
            "What's a realistic {diet} meal plan for someone who works late and only has 20 minutes to cook?",
            "Can you put together a {days_meal}-day meal plan that uses up leftover rice, spinach and chicken thighs?",
            "I'm trying to eat {diet} and stop ordering takeout. Could you suggest breakfasts, lunches and dinners for a week?",
        ],
        "es": [
            "¿Me haces un menú {diet} de {days_meal} días para {n_people} personas?",
            "Quiero cocinar los domingos para toda la semana. ¿Me organizas un menú {diet} para llevar al trabajo que aguante bien en la nevera?",
            "Planifica las cenas de una semana para una familia de {n_people} con {weekly_budget} € de presupuesto, con lista de la compra.",
            "Necesito un menú {diet} fácil para los próximos {days_meal} días; llego tarde del trabajo y no tengo tiempo de cocinar.",
        ],
        "fr": [
            "Tu peux me faire un menu {diet} sur {days_meal} jours pour {n_people} personnes ?",
            "Je veux cuisiner le dimanche pour toute la semaine. Tu peux me proposer un menu {diet} pour mes déjeuners au bureau ?",
            "Organise les dîners d'une semaine pour une famille de {n_people} avec un budget de {weekly_budget} €, avec la liste de courses.",
            "J'ai besoin d'un planning de repas {diet} simple pour les {days_meal} prochains jours, je rentre tard et je n'ai pas le temps de cuisiner.",
        ],
        "de": [
            "Kannst du mir einen Essensplan für {days_meal} Tage für {n_people} Personen machen? Am besten {diet}.",
            "Ich will sonntags für die ganze Woche vorkochen. Hast du Ideen für Mittagessen ({diet}), die sich im Kühlschrank halten?",
            "Plane bitte eine Woche Abendessen für eine {n_people}-köpfige Familie mit {weekly_budget} € Budget, inklusive Einkaufsliste.",
            "Ich brauche einen einfachen Wochenplan fürs Essen, {diet}, weil ich abends kaum Zeit zum Kochen habe.",
        ],
        "ja": [
            "{n_people}人分、{days_meal}日間の{diet}の献立を考えてもらえますか？",
            "日曜日に1週間分の作り置きをしたいです。冷蔵庫で日持ちする{diet}のお弁当の献立を考えてください。",
            "{n_people}人家族で1週間{weekly_budget_jpy}円以内の夕食の献立と買い物リストを作ってください。",
            "仕事で帰りが遅いので、次の{days_meal}日分の簡単な{diet}メニューを提案してください。",
        ],
        "zh": [
            "能帮我做一个{n_people}个人、{days_meal}天的{diet}饮食计划吗？",
            "我想周日一次性备好一周的午饭，有没有能在冰箱放几天的{diet}便当搭配？",
            "帮我规划一家{n_people}口一周的晚餐，预算{weekly_budget_cny}元，附上购物清单。",
            "下班晚没时间做饭，帮我安排接下来{days_meal}天简单的{diet}菜单。",
        ],
    },
    "itineraries": {
        "en": [
            "Can you plan a {days}-day itinerary for {city}? I'm travelling {travel_style}.",
            "First time in {city} — what should I see in {days} days without rushing?",
            "plan my trip to {city}, {days} days, we like food and museums, not big on nightlife",
            "What's a good day-by-day plan for {city} {travel_style}? I arrive on a Thursday evening and leave {days} days later.",
            "Is {days} days enough for {city}? If so, how would you split the time between neighbourhoods?",
            "I have a {layover}-hour layover in {city}. Is it worth leaving the airport and what could I see?",
            "Help me plan {days} days in {city} {travel_style}. Include one day trip outside the city if it makes sense.",
        ],
        "es": [
            "¿Me organizas un itinerario de {days} días por {city}? Viajo {travel_style}.",
            "Es mi primera vez en {city}. ¿Qué ver en {days} días sin ir con prisas?",
            "¿Cómo repartirías {days} días en {city} {travel_style}? Me gustan la comida y los museos.",
            "¿Merece la pena salir del aeropuerto en una escala de {layover} horas en {city}? ¿Qué podría ver?",
        ],
        "fr": [
            "Tu peux me préparer un itinéraire de {days} jours à {city} ? Je voyage {travel_style}.",
            "Première fois à {city} : qu'est-ce qu'il faut voir en {days} jours sans courir ?",
            "Comment organiser {days} jours à {city} {travel_style} ? J'aime la gastronomie et les musées.",
            "J'ai une escale de {layover} heures à {city}. Ça vaut le coup de sortir de l'aéroport pour visiter ?",
        ],
        "de": [
            "Kannst du mir eine Reiseroute für {days} Tage in {city} zusammenstellen? Ich reise {travel_style}.",
            "Ich bin zum ersten Mal in {city}. Was sollte ich in {days} Tagen sehen, ohne zu hetzen?",
            "Wie würdest du {days} Tage in {city} {travel_style} aufteilen? Ich mag gutes Essen und Museen.",
            "Ich habe {layover} Stunden Aufenthalt in {city}. Lohnt es sich, den Flughafen zu verlassen und etwas anzuschauen?",
        ],
        "ja": [
            "{city}で{days}日間の旅行プランを立ててください。{travel_style}行きます。",
            "初めての{city}です。{days}日間で無理なく回れるおすすめのコースを教えてください。",
            "{travel_style}{city}に{days}日間行く予定です。1日ごとのスケジュールを作ってもらえますか？",
            "{city}で{layover}時間の乗り継ぎがあります。空港の外に出て観光する価値はありますか？",
        ],
        "zh": [
            "帮我规划一个{city}{days}日游的行程，我这次是{travel_style}。",
            "第一次去{city}，{days}天时间怎么玩比较轻松？",
            "{travel_style}去{city}玩{days}天，能给个每天的详细安排吗？",
            "在{city}转机有{layover}个小时，值得出机场逛逛吗？",
        ],
    },
    "visas_documents": {
        "en": [
            "Do I need a visa to visit {country} with a {passport} passport? Staying about {days} days.",
            "What documents do I need to apply for a tourist visa for {country}? I'm a {passport} citizen.",
            "my passport expires in {months} months, can I still travel to {country}?",
            "How long does it usually take to get a visa appointment for {country}? My trip is in {weeks} weeks and I'm a bit panicking.",
            "I'm a {passport} citizen living abroad. Can I apply for a visa for {country} from where I live or do I have to go home?",
            "What does 'proof of onward travel' mean for entering {country}? Do I need a return ticket?",
            "I lost my passport two weeks before a trip to {country}. What should I do first?",
            "Does my {child_age}-year-old need her own passport and visa to travel to {country} with me?",
        ],
        "es": [
            "¿Necesito visado para viajar a {country} con pasaporte {passport}? Serían unos {days} días.",
            "¿Qué documentos hacen falta para pedir el visado de turista para {country}?",
            "Mi pasaporte caduca en {months} meses, ¿puedo viajar igualmente a {country}?",
            "Soy {passport} y vivo en España. ¿Puedo tramitar el visado para {country} desde aquí o tengo que volver a mi país?",
        ],
        "fr": [
            "Est-ce que j'ai besoin d'un visa pour aller {to_country} avec un passeport {passport} ? Je reste environ {days} jours.",
            "Quels documents faut-il pour une demande de visa touristique {visa_for} ?",
            "Mon passeport expire dans {months} mois, je peux quand même voyager {to_country} ?",
            "J'ai perdu mon passeport deux semaines avant mon voyage {to_country}. Je fais quoi en premier ?",
        ],
        "de": [
            "Brauche ich für die Einreise {to_country} mit einem {passport} Pass ein Visum? Ich bleibe etwa {days} Tage.",
            "Welche Unterlagen brauche ich für ein Touristenvisum für {country}?",
            "Mein Reisepass läuft in {months} Monaten ab. Kann ich trotzdem noch {to_country} reisen?",
            "Ich habe zwei Wochen vor meiner Reise {to_country} meinen Pass verloren. Was muss ich zuerst tun?",
        ],
        "ja": [
            "日本のパスポートで{country}に{days}日間行く場合、ビザは必要ですか？",
            "{country}の観光ビザを申請するのに必要な書類を教えてください。",
            "パスポートの有効期限があと{months}か月なんですが、{country}に入国できますか？",
            "{country}旅行の2週間前にパスポートをなくしました。まず何をすればいいですか？",
            "{country}に行くのに、ESTAのような電子渡航認証は必要ですか？",
        ],
        "zh": [
            "中国护照去{country}玩{days}天需要办签证吗？",
            "申请{country}旅游签证需要准备哪些材料？",
            "我的护照还有{months}个月就过期了，还能去{country}吗？",
            "出发去{country}前两周护照丢了，第一步该做什么？",
        ],
    },
    "packing": {
        "en": [
            "What should I pack for {trip}?",
            "Can you make me a packing list for {trip}? Carry-on only.",
            "packing list for {trip} please, I always overpack",
            "I'm going on {trip}. What clothes do I actually need and what can I skip?",
            "Help me fit everything for {trip} into a 40L backpack. What should go in the bag?",
            "What do people usually forget to pack for {trip}? I want a checklist.",
            "Is it worth bringing hiking boots on {trip} or are trainers enough? Also what else should go in the suitcase?",
        ],
        "es": [
            "¿Qué debería llevar en la maleta para {trip}?",
            "¿Me haces una lista de equipaje para {trip}? Solo llevo equipaje de mano.",
            "Siempre llevo demasiadas cosas. ¿Qué es lo imprescindible en la maleta para {trip}?",
            "¿Qué se suele olvidar la gente al hacer la maleta para {trip}? Quiero una checklist.",
        ],
        "fr": [
            "Qu'est-ce que je dois mettre dans ma valise pour {trip} ?",
            "Tu peux me faire une liste de bagages pour {trip} ? Uniquement en bagage cabine.",
            "Je prends toujours trop de choses. Qu'est-ce qui est vraiment indispensable dans la valise pour {trip} ?",
            "Qu'est-ce qu'on oublie souvent quand on prépare sa valise pour {trip} ?",
        ],
        "de": [
            "Was sollte ich für {trip} einpacken?",
            "Kannst du mir eine Packliste für {trip} machen? Nur Handgepäck.",
            "Ich packe immer viel zu viel ein. Was ist für {trip} wirklich nötig?",
            "Was vergessen Leute beim Kofferpacken für {trip} am häufigsten?",
        ],
        "ja": [
            "{trip}の持ち物リストを作ってください。",
            "{trip}に行きます。機内持ち込みの荷物だけにしたいのですが、何を持っていけばいいですか？",
            "いつも荷物が多くなってしまいます。{trip}に本当に必要な持ち物だけ教えてください。",
            "{trip}で忘れがちな持ち物は何ですか？チェックリストがほしいです。",
        ],
        "zh": [
            "{trip}需要带些什么？帮我列个行李清单。",
            "我要{trip}，只带登机箱，行李应该怎么收拾？",
            "我每次出门都带太多东西，{trip}真正必须带的有哪些？",
            "{trip}大家最容易忘带什么？想要一个行李检查清单。",
        ],
    },
    "workout_plans": {
        "en": [
            "Can you make me a workout plan to {fitness_goal}? I can train {days_per_week} days a week and I have {equipment}.",
            "I'm {age} and haven't exercised in years. What's a safe beginner routine to {fitness_goal}?",
            "give me a {days_per_week} day workout split, goal is to {fitness_goal}, I have {equipment}",
            "What's a good home workout if I have {equipment}? I want to {fitness_goal}.",
            "How many sets and reps should I do to {fitness_goal}? My current routine is push-ups, squats and planks.",
            "I've plateaued at the gym. Can you design a 6-week program to {fitness_goal}, {days_per_week} sessions per week?",
            "Is it better to do cardio before or after weights if I want to {fitness_goal}? Please include a weekly training schedule.",
        ],
        "es": [
            "¿Me haces una rutina de entrenamiento para {fitness_goal}? Puedo entrenar {days_per_week} días a la semana y tengo {equipment}.",
            "Tengo {age} años y hace años que no hago deporte. ¿Qué rutina para principiantes me recomiendas para {fitness_goal}?",
            "¿Qué entrenamiento en casa puedo hacer si tengo {equipment}? Quiero {fitness_goal}.",
            "Me he estancado en el gimnasio. ¿Me diseñas un plan de 6 semanas para {fitness_goal}?",
        ],
        "fr": [
            "Tu peux me faire un programme d'entraînement pour {fitness_goal} ? Je peux m'entraîner {days_per_week} jours par semaine et j'ai {equipment}.",
            "J'ai {age} ans et je n'ai pas fait de sport depuis des années. Quel programme débutant pour {fitness_goal} ?",
            "Quelle séance faire à la maison ? J'ai {equipment} et mon objectif est de {fitness_goal}.",
            "Je stagne à la salle. Tu peux me préparer un programme de 6 semaines pour {fitness_goal} ?",
        ],
        "de": [
            "Kannst du mir einen Trainingsplan erstellen? Ziel ist, {fitness_goal}. Ich kann {days_per_week} Tage pro Woche trainieren und habe {equipment}.",
            "Ich bin {age} und habe seit Jahren keinen Sport gemacht. Welches Anfängerprogramm hilft mir, {fitness_goal}?",
            "Welches Workout hilft mir, {fitness_goal}? Zur Verfügung habe ich {equipment}.",
            "Ich stagniere im Fitnessstudio. Kannst du mir einen 6-Wochen-Trainingsplan machen, um {fitness_goal}?",
        ],
        "ja": [
            "{fitness_goal}です。週{days_per_week}日トレーニングできます（{equipment}）。メニューを作ってください。",
            "{age}歳で、何年も運動していません。{fitness_goal}のですが、初心者向けのトレーニングメニューはありますか？",
            "{equipment}でできる自宅トレーニングを教えてください。{fitness_goal}です。",
            "ジムで停滞しています。{fitness_goal}ので、6週間のトレーニングプログラムを組んでもらえますか？",
        ],
        "zh": [
            "帮我制定一个{fitness_goal}的训练计划，我每周能练{days_per_week}天，器材方面{equipment}。",
            "我{age}岁，好几年没运动了，想{fitness_goal}，有适合新手的训练计划吗？",
            "在家{equipment}，怎么练才能{fitness_goal}？",
            "健身遇到平台期了，能帮我安排一个6周的{fitness_goal}训练计划吗？",
        ],
    },
    "sleep": {
        "en": [
            "{Sleep_problem}. Any tips for better sleep?",
            "What can I do about my sleep? {Sleep_problem}, and it's affecting work.",
            "Can you suggest a bedtime routine? {Sleep_problem}.",
            "is melatonin a good idea if {sleep_problem}?",
            "I need help with sleep hygiene — {sleep_problem}. What should I change first?",
            "How many hours of sleep do I really need at {age}? Lately {sleep_problem}.",
            "Why does this happen: {sleep_problem}? Is it stress or something else?",
        ],
        "es": [
            "{Sleep_problem}. ¿Algún consejo para dormir mejor?",
            "¿Me recomiendas una rutina para antes de dormir? {Sleep_problem}.",
            "¿Es buena idea tomar melatonina si {sleep_problem}?",
            "¿Por qué me pasa esto? {Sleep_problem} y ya no sé qué hacer para dormir bien.",
        ],
        "fr": [
            "{Sleep_problem}. Tu as des conseils pour mieux dormir ?",
            "Tu peux me proposer une routine du soir ? {Sleep_problem}.",
            "C'est une bonne idée de prendre de la mélatonine si {sleep_problem} ?",
            "Pourquoi ça m'arrive ? {Sleep_problem} et je ne sais plus quoi faire pour bien dormir.",
        ],
        "de": [
            "{Sleep_problem}. Hast du Tipps für besseren Schlaf?",
            "Kannst du mir eine Abendroutine vorschlagen? {Sleep_problem}.",
            "Ist Melatonin sinnvoll? Mein Problem: {sleep_problem}.",
            "Woran kann das liegen? {Sleep_problem}, und ich weiß nicht mehr weiter mit meinem Schlaf.",
        ],
        "ja": [
            "{sleep_problem}。よく眠るための何かいい方法はありますか？",
            "寝る前のルーティンを提案してください。{sleep_problem}。",
            "{sleep_problem}。メラトニンを飲むのはありですか？",
            "睡眠の悩みです。{sleep_problem}。原因として何が考えられますか？",
        ],
        "zh": [
            "我{sleep_problem}，有什么改善睡眠的办法吗？",
            "能推荐一个睡前习惯吗？我{sleep_problem}。",
            "{sleep_problem}的话，可以吃褪黑素吗？",
            "睡眠问题求助：我{sleep_problem}，可能是什么原因？",
        ],
    },
    "nutrition": {
        "en": [
            "How much protein should I eat per day? I weigh {weight_kg} kg and lift weights {days_per_week} times a week.",
            "Is {food} actually healthy or is it overrated?",
            "what's a healthy breakfast that keeps me full until lunch? I usually just have {food}",
            "Can you explain the difference between good and bad fats? I'm trying to eat healthier.",
            "I'm always hungry in the afternoon. What snacks are nutritious and not too high in sugar?",
            "How many calories are in a typical serving of {food}, and how does it fit into a balanced diet?",
            "Do I need vitamin D or B12 supplements if I eat mostly plant-based? I'm {age}.",
        ],
        "es": [
            "¿Cuánta proteína debería comer al día? Peso {weight_kg} kg y entreno {days_per_week} veces por semana.",
            "¿Es verdad que {food} es tan saludable como dicen?",
            "¿Qué desayuno sano me mantiene lleno hasta la comida? Normalmente tomo solo café.",
            "Siempre tengo hambre por la tarde. ¿Qué tentempiés son nutritivos y sin mucho azúcar?",
        ],
        "fr": [
            "Combien de protéines je devrais manger par jour ? Je pèse {weight_kg} kg et je fais de la muscu {days_per_week} fois par semaine.",
            "Est-ce que {food}, c'est vraiment bon pour la santé ou c'est surfait ?",
            "C'est quoi un petit-déjeuner sain qui tient jusqu'au déjeuner ? D'habitude je prends juste un café.",
            "J'ai toujours faim l'après-midi. Quels en-cas sont nutritifs sans trop de sucre ?",
        ],
        "de": [
            "Wie viel Eiweiß sollte ich am Tag essen? Ich wiege {weight_kg} kg und trainiere {days_per_week}-mal pro Woche.",
            "Ist {food} wirklich gesund oder wird das überschätzt?",
            "Was ist ein gesundes Frühstück, das bis mittags satt macht? Meistens trinke ich nur Kaffee.",
            "Nachmittags habe ich immer Hunger. Welche Snacks sind nahrhaft und nicht zu zuckerhaltig?",
        ],
        "ja": [
            "体重{weight_kg}kgで週{days_per_week}回筋トレしています。1日にどれくらいタンパク質をとればいいですか？",
            "{food}って本当に体にいいんですか？栄養的にどうなのか知りたいです。",
            "お昼まで腹持ちする健康的な朝ごはんを教えてください。いつもはコーヒーだけです。",
            "午後になるといつもお腹がすきます。栄養があって糖分が少なめのおやつはありますか？",
        ],
        "zh": [
            "我体重{weight_kg}公斤，每周力量训练{days_per_week}次，每天应该吃多少蛋白质？",
            "{food}真的健康吗？还是营养价值被高估了？",
            "有什么健康的早餐能撑到中午？我平时只喝一杯咖啡。",
            "下午总是很饿，有哪些营养又不太甜的零食推荐？",
        ],
    },
    "budgeting": {
        "en": [
            "I take home ${income} a month and I never have anything left. Can you help me make a budget?",
            "How does the 50/30/20 rule work? My income is ${income} a month after tax and rent is ${rent}.",
            "i spend way too much on {expense}. how do i cut back without feeling miserable",
            "Can you help me build a monthly budget spreadsheet? Categories I need: rent, groceries, {expense}, savings.",
            "What's a realistic emergency fund for someone earning ${income} a month? How fast should I build it?",
            "My partner and I want to combine finances. How should we split bills when one of us earns a lot more?",
            "I want to save ${goal} for a trip in {months} months. How much do I need to set aside each week?",
        ],
        "es": [
            "Cobro {income} € al mes y nunca me sobra nada. ¿Me ayudas a hacer un presupuesto?",
            "¿Cómo funciona la regla 50/30/20? Gano {income} € netos al mes y pago {rent} € de alquiler.",
            "Gasto demasiado en {expense}. ¿Cómo recorto ese gasto sin amargarme?",
            "Quiero ahorrar {goal} € para un viaje en {months} meses. ¿Cuánto tengo que apartar cada semana?",
        ],
        "fr": [
            "Je touche {income} € par mois et il ne me reste jamais rien. Tu peux m'aider à faire un budget ?",
            "Comment marche la règle 50/30/20 ? Je gagne {income} € net par mois et mon loyer est de {rent} €.",
            "Je dépense beaucoup trop pour {expense}. Comment réduire sans me priver de tout ?",
            "Je veux mettre {goal} € de côté pour un voyage dans {months} mois. Combien je dois épargner par semaine ?",
        ],
        "de": [
            "Ich verdiene {income} € netto im Monat und am Ende bleibt nie etwas übrig. Hilfst du mir, ein Budget aufzustellen?",
            "Wie funktioniert die 50/30/20-Regel? Ich habe {income} € netto und zahle {rent} € Miete.",
            "Ich gebe viel zu viel für {expense} aus. Wie spare ich da, ohne dass es wehtut?",
            "Ich möchte in {months} Monaten {goal} € für eine Reise zusammenhaben. Wie viel muss ich pro Woche zurücklegen?",
        ],
        "ja": [
            "手取りが月{income_man}万円ですが、毎月お金が残りません。家計の予算を一緒に立ててもらえますか？",
            "50/30/20ルールってどういうものですか？手取り{income_man}万円で家賃は{rent_man}万円です。",
            "{expense}にお金を使いすぎています。無理なく支出を減らす方法はありますか？",
            "{months}か月後の旅行のために{goal_man}万円貯めたいです。毎週いくら貯金すればいいですか？",
        ],
        "zh": [
            "我每月到手{income_cny}元，但总是月光。能帮我做个预算吗？",
            "50/30/20法则是怎么用的？我税后月收入{income_cny}元，房租{rent_cny}元。",
            "我在{expense}上花太多钱了，怎么在不太痛苦的情况下减少开支？",
            "我想在{months}个月内存够{goal_cny}元去旅行，每周需要存多少？",
        ],
    },
    "taxes": {
        "en": [
            "I started freelancing this year as a {freelance_job}. What expenses can I deduct on my taxes?",
            "Do I have to pay tax on money I made selling stuff on eBay? It was about ${side_income}.",
            "what's the difference between a tax deduction and a tax credit? explain like im five",
            "I work from home {wfh_days} days a week. Can I claim a home office deduction?",
            "How do quarterly estimated taxes work for self-employed people? I'm a {freelance_job} and I've never paid them.",
            "I got a W-2 and a 1099 this year. How do I file my tax return with both?",
            "I moved to another state in the middle of the year. Do I file two state tax returns?",
        ],
        "es": [
            "Me he hecho autónomo como {freelance_job}. ¿Qué gastos me puedo desgravar en la renta?",
            "¿Tengo que declarar a Hacienda lo que gané vendiendo cosas en Wallapop? Fueron unos {side_income} €.",
            "¿Cuál es la diferencia entre una deducción y una reducción en la declaración de la renta?",
            "Teletrabajo {wfh_days} días a la semana. ¿Puedo deducir parte de la luz e internet en la renta?",
        ],
        "fr": [
            "Je viens de me lancer en micro-entreprise comme {freelance_job}. Comment je déclare mes revenus aux impôts ?",
            "Est-ce que je dois déclarer aux impôts ce que j'ai gagné en vendant des affaires sur Vinted ? Environ {side_income} €.",
            "C'est quoi la différence entre une réduction d'impôt et un crédit d'impôt ?",
            "Je suis en télétravail {wfh_days} jours par semaine. Je peux déduire des frais sur ma déclaration d'impôts ?",
        ],
        "de": [
            "Ich bin seit diesem Jahr selbstständig als {freelance_job}. Welche Ausgaben kann ich von der Steuer absetzen?",
            "Muss ich Steuern auf das zahlen, was ich über Kleinanzeigen verkauft habe? Waren ungefähr {side_income} €.",
            "Was ist der Unterschied zwischen Werbungskosten und Sonderausgaben in der Steuererklärung? Bitte einfach erklärt.",
            "Ich arbeite {wfh_days} Tage die Woche im Homeoffice. Wie funktioniert die Homeoffice-Pauschale in der Steuererklärung?",
        ],
        "ja": [
            "今年から{freelance_job}として個人事業主になりました。確定申告で経費にできるものは何ですか？",
            "メルカリで不用品を売って{side_income_man}万円くらいになりました。確定申告は必要ですか？",
            "所得控除と税額控除の違いをわかりやすく教えてください。",
            "ふるさと納税の上限額はどうやって計算しますか？年収は{salary_man}万円です。",
        ],
        "zh": [
            "我今年开始做自由职业{freelance_job}，个人所得税怎么申报？哪些费用可以扣除？",
            "在闲鱼上卖二手东西赚了大概{side_income_cny}元，需要交税吗？",
            "个税专项附加扣除有哪些？我有房贷，也在赡养老人。",
            "年终奖是单独计税好还是并入综合所得好？年薪大概{salary_wan}万。",
        ],
    },
    "investing": {
        "en": [
            "I'm {age} and have ${invest_amount} saved. Should I put it in an index fund or keep it in savings?",
            "Can you explain what an ETF is and how it's different from a mutual fund?",
            "what does dollar cost averaging mean and is it better than investing all at once",
            "I have ${invest_amount} to invest for the first time. Where do I even start?",
            "How risky are individual stocks compared to a total market index fund? I'm a complete beginner at investing.",
            "Should I pay off my student loan at {interest}% interest or start investing in my 401(k)?",
            "What's the difference between a Roth IRA and a traditional IRA? I'm {age} and earn about ${salary_k}k.",
        ],
        "es": [
            "Tengo {age} años y {invest_amount} € ahorrados. ¿Los meto en un fondo indexado o los dejo en la cuenta?",
            "¿Qué es un ETF y en qué se diferencia de un fondo de inversión normal?",
            "Quiero empezar a invertir con {invest_amount} €. ¿Por dónde empiezo si no tengo ni idea?",
            "¿Qué significa invertir la misma cantidad cada mes y es mejor que invertir todo de golpe?",
        ],
        "fr": [
            "J'ai {age} ans et {invest_amount} € d'épargne. Je les investis dans un ETF ou je laisse tout sur mon livret A ?",
            "C'est quoi un ETF et quelle différence avec un fonds d'investissement classique ?",
            "Je veux commencer à investir avec {invest_amount} €. PEA ou assurance-vie, par où commencer ?",
            "Investir tous les mois la même somme, c'est vraiment mieux que tout placer d'un coup ?",
        ],
        "de": [
            "Ich bin {age} und habe {invest_amount} € gespart. Lieber in einen ETF investieren oder aufs Tagesgeldkonto?",
            "Was ist ein ETF und was ist der Unterschied zu einem aktiv gemanagten Fonds?",
            "Ich will zum ersten Mal {invest_amount} € anlegen. Wo fange ich als kompletter Anfänger an?",
            "Lohnt sich ein ETF-Sparplan mit {monthly_invest} € im Monat oder ist das zu wenig?",
        ],
        "ja": [
            "{age}歳で貯金が{invest_man}万円あります。インデックス投資を始めるべきですか？",
            "ETFと投資信託の違いを初心者にもわかるように教えてください。",
            "新NISAで毎月{monthly_invest_man}万円積み立てるなら、何を選べばいいですか？",
            "個別株とインデックスファンドでは、投資のリスクはどれくらい違いますか？",
        ],
        "zh": [
            "我{age}岁，存了{invest_wan}万块，应该买指数基金还是放银行？",
            "ETF和普通基金有什么区别？投资小白求科普。",
            "第一次理财投资，手上有{invest_wan}万元，应该从哪里开始？",
            "基金定投和一次性投入哪个更好？我每个月能拿出{monthly_invest_cny}元。",
        ],
    },
    "algebra": {
        "en": [
            "Can you help me solve {equation}? Please show the steps.",
            "How do I solve the system {sys_a} and {sys_b}? We're supposed to use substitution.",
            "i got x = {wrong_x} for {equation} but the answer key says something else. where did i go wrong",
            "My daughter is stuck on her algebra homework: {equation}. Can you explain it so I can help her?",
            "What's the quadratic formula and when should I use it instead of factoring? Example: {quadratic}.",
            "Solve for x: {equation}. Also, how do I check my answer?",
            "I don't get how to factor {quadratic}. Can you walk me through it slowly?",
        ],
        "es": [
            "¿Me ayudas a resolver la ecuación {equation}? Explícame los pasos, por favor.",
            "¿Cómo resuelvo el sistema {sys_a}, {sys_b} por sustitución?",
            "Me sale x = {wrong_x} en {equation} pero en las soluciones pone otra cosa. ¿Dónde me equivoco?",
            "No entiendo cómo factorizar {quadratic}. ¿Me lo explicas paso a paso?",
        ],
        "fr": [
            "Tu peux m'aider à résoudre l'équation {equation} ? Avec les étapes s'il te plaît.",
            "Comment résoudre le système {sys_a} et {sys_b} par substitution ?",
            "Je trouve x = {wrong_x} pour {equation} mais le corrigé dit autre chose. Où est mon erreur ?",
            "Je ne comprends pas comment factoriser {quadratic}. Tu peux m'expliquer doucement ?",
        ],
        "de": [
            "Kannst du mir helfen, die Gleichung {equation} zu lösen? Bitte mit Rechenweg.",
            "Wie löse ich das Gleichungssystem {sys_a} und {sys_b} mit dem Einsetzungsverfahren?",
            "Ich komme bei {equation} auf x = {wrong_x}, aber laut Lösung ist das falsch. Wo liegt mein Fehler?",
            "Ich verstehe nicht, wie man {quadratic} faktorisiert. Kannst du es Schritt für Schritt erklären?",
        ],
        "ja": [
            "方程式 {equation} の解き方を途中式つきで教えてください。",
            "連立方程式 {sys_a}、{sys_b} を代入法で解く方法がわかりません。",
            "{equation} を解いたら x = {wrong_x} になりましたが、答えと違います。どこが間違っていますか？",
            "{quadratic} の因数分解のやり方をゆっくり説明してもらえますか？",
        ],
        "zh": [
            "这道方程怎么解：{equation}？请写出步骤。",
            "方程组 {sys_a}，{sys_b} 用代入法怎么解？",
            "{equation} 我算出来 x = {wrong_x}，但答案不一样，哪里错了？",
            "{quadratic} 怎么因式分解？能一步一步讲吗？",
        ],
    },
    "statistics": {
        "en": [
            "Can you explain {stats_concept} in simple terms? I have a stats exam on {weekday}.",
            "How do I calculate the standard deviation of {data} by hand?",
            "what's the median and mean of {data}? and why are they different",
            "My p-value is {pval}. Does that mean my result is significant? It's for a psych lab report.",
            "When should I use a t-test versus a chi-square test? My data is {data_desc}.",
            "I don't understand {stats_concept} in statistics. Can you give me an everyday example?",
            "How do I interpret a 95% confidence interval of {ci_low} to {ci_high}? My professor's explanation went over my head.",
        ],
        "es": [
            "¿Me explicas {stats_concept} de forma sencilla? Tengo examen de estadística la semana que viene.",
            "¿Cómo calculo a mano la desviación típica de {data}?",
            "Mi p-valor es {pval}. ¿Significa que el resultado es significativo? Es para un trabajo de estadística de psicología.",
            "No entiendo {stats_concept} en estadística. ¿Me pones un ejemplo de la vida diaria?",
        ],
        "fr": [
            "Tu peux m'expliquer {stats_concept} simplement ? J'ai un partiel de stats la semaine prochaine.",
            "Comment calculer à la main l'écart-type de la série {data} ?",
            "Ma p-valeur est de {pval}. Ça veut dire que mon résultat est significatif ? C'est pour un TP de statistiques en psycho.",
            "Je ne comprends pas {stats_concept} en statistiques. Tu as un exemple de la vie de tous les jours ?",
        ],
        "de": [
            "Kannst du mir {stats_concept} einfach erklären? Ich schreibe nächste Woche eine Statistikklausur.",
            "Wie berechne ich die Standardabweichung von {data} von Hand?",
            "Mein p-Wert ist {pval}. Heißt das, mein Ergebnis ist signifikant? Das ist für einen Statistik-Laborbericht in Psychologie.",
            "Ich verstehe {stats_concept} in Statistik einfach nicht. Hast du ein Beispiel aus dem Alltag?",
        ],
        "ja": [
            "統計の{stats_concept}をわかりやすく説明してください。来週統計のテストがあります。",
            "{data} の標準偏差を手計算で求める方法を教えてください。",
            "p値が{pval}でした。これは統計的に有意ということですか？心理学の実験レポートです。",
            "統計の{stats_concept}がよくわかりません。身近な例で教えてもらえますか？",
        ],
        "zh": [
            "能用简单的话解释一下统计里的{stats_concept}吗？下周要考统计。",
            "{data} 的标准差怎么手算？",
            "我的p值是{pval}，这说明结果统计显著吗？是心理学实验报告用的。",
            "我不太理解统计学里的{stats_concept}，能举个生活中的例子吗？",
        ],
    },
    "physics": {
        "en": [
            "Can you help with this physics problem? {physics_problem}",
            "{physics_problem} I got a different answer from my friend, can you show the physics step by step?",
            "physics hw: {physics_problem} which formula do I use??",
            "Can you explain {physics_concept} intuitively? My physics textbook just throws equations at me.",
            "Why do heavy and light objects fall at the same speed if gravity pulls harder on heavy ones?",
            "I'm revising for my physics exam. {physics_problem} Please explain each step.",
            "What's the difference between {physics_pair} in physics? I keep mixing them up in problems.",
        ],
        "es": [
            "¿Me ayudas con este problema de física? {physics_problem}",
            "Deberes de física: {physics_problem} ¿Qué fórmula uso?",
            "¿Me explicas {physics_concept} de forma intuitiva? El libro de física solo pone fórmulas.",
            "¿Cuál es la diferencia entre {physics_pair} en física? Siempre los confundo.",
        ],
        "fr": [
            "Tu peux m'aider pour cet exercice de physique ? {physics_problem}",
            "Devoir de physique : {physics_problem} Je dois utiliser quelle formule ?",
            "Tu peux m'expliquer {physics_concept} de manière intuitive ? Mon manuel de physique ne donne que des formules.",
            "Quelle est la différence entre {physics_pair} en physique ? Je les confonds tout le temps.",
        ],
        "de": [
            "Kannst du mir bei dieser Physikaufgabe helfen? {physics_problem}",
            "Physik-Hausaufgabe: {physics_problem} Welche Formel brauche ich?",
            "Kannst du mir {physics_concept} anschaulich erklären? Im Physikbuch stehen nur Formeln.",
            "Was ist in Physik der Unterschied zwischen {physics_pair}? Ich verwechsle das ständig.",
        ],
        "ja": [
            "物理の問題を手伝ってください。{physics_problem}",
            "物理の宿題です。「{physics_problem}」どの公式を使えばいいですか？",
            "{physics_concept}を直感的に説明してもらえますか？物理の教科書は式ばかりでわかりません。",
            "物理で{physics_pair}の違いがいつもごちゃごちゃになります。違いを教えてください。",
        ],
        "zh": [
            "帮我看看这道物理题：{physics_problem}",
            "物理作业：{physics_problem} 该用哪个公式？",
            "能直观地解释一下{physics_concept}吗？物理课本上全是公式。",
            "物理里{physics_pair}有什么区别？做题时老是搞混。",
        ],
    },
    "grammar": {
        "en": [
            "Can you explain {grammar_point}? I keep getting it wrong.",
            "I'm learning a language and I'm confused about {grammar_point}. Can you give me some examples?",
            "grammar question: {grammar_point} — is there a simple rule?",
            "What's the easiest way to remember {grammar_point}? My teacher's explanation didn't click.",
            "Could you quiz me on {grammar_point}? Give me 5 fill-in-the-blank sentences.",
            "Is this sentence grammatically correct? 'Me and him went to the store.' Why or why not?",
            "I always mix up {grammar_point}. Can you explain the grammar with a short table?",
        ],
        "es": [
            "¿Me explicas {grammar_point}? Siempre me equivoco.",
            "Estoy estudiando idiomas y me lío con {grammar_point}. ¿Me pones ejemplos?",
            "Duda de gramática: {grammar_point}. ¿Hay alguna regla fácil?",
            "¿Me haces un ejercicio de gramática de 5 frases para practicar {grammar_point}?",
        ],
        "fr": [
            "Tu peux m'expliquer {grammar_point} ? Je me trompe tout le temps.",
            "J'ai du mal avec {grammar_point}. Tu peux me donner des exemples ?",
            "Question de grammaire : {grammar_point}, il y a une règle simple ?",
            "Tu peux me faire un petit exercice de grammaire de 5 phrases sur {grammar_point} ?",
        ],
        "de": [
            "Kannst du mir {grammar_point} erklären? Ich mache das immer falsch.",
            "Ich verstehe {grammar_point} einfach nicht. Hast du ein paar Beispielsätze?",
            "Grammatikfrage: Gibt es eine einfache Regel für {grammar_point}?",
            "Kannst du mir eine kleine Grammatikübung mit 5 Sätzen für {grammar_point} machen?",
        ],
        "ja": [
            "{grammar_point}を教えてください。いつも間違えてしまいます。",
            "英語を勉強中です。{grammar_point}がよくわかりません。例文をいくつか出してもらえますか？",
            "文法の質問です。{grammar_point}について、簡単な覚え方はありますか？",
            "{grammar_point}の文法の練習問題を5問作ってください。",
        ],
        "zh": [
            "能讲一下{grammar_point}吗？我老是用错。",
            "在学英语，对{grammar_point}一直很困惑，能举几个例句吗？",
            "语法问题：{grammar_point}，有没有简单好记的规则？",
            "帮我出5道关于{grammar_point}的语法练习题。",
        ],
    },
    "translation": {
        "en": [
            "How do you say '{phrase}' in {target_lang}?",
            'Can you translate this into {target_lang}? "{phrase}"',
            "translate to {target_lang} pls: {phrase}",
            "I need to send this message to my host family in {target_lang}: '{phrase}' Can you translate it naturally, not word for word?",
            "What's the most natural way to say '{phrase}' in {target_lang}? Machine translation sounds stiff.",
            "Could you translate '{phrase}' into {target_lang} and tell me if it's polite enough for a stranger?",
            "Please translate into {target_lang}, formal register: {phrase}",
        ],
        "es": [
            "¿Cómo se dice «{phrase}» en {target_lang}?",
            "¿Me traduces esto al {target_lang}? «{phrase}»",
            "Tengo que mandar este mensaje en {target_lang}: «{phrase}» ¿Me lo traduces de forma natural, no literal?",
            "Tradúceme al {target_lang} en registro formal: {phrase}",
        ],
        "fr": [
            "Comment on dit « {phrase} » en {target_lang} ?",
            "Tu peux traduire ça en {target_lang} ? « {phrase} »",
            "Je dois envoyer ce message en {target_lang} : « {phrase} » Tu peux le traduire de façon naturelle, pas mot à mot ?",
            "Traduis en {target_lang}, registre soutenu : {phrase}",
        ],
        "de": [
            "Was heißt „{phrase}“ auf {target_lang}?",
            "Kannst du mir das auf {target_lang} übersetzen? „{phrase}“",
            "Ich muss diese Nachricht auf {target_lang} schicken: „{phrase}“ Kannst du sie natürlich übersetzen, nicht Wort für Wort?",
            "Bitte förmlich auf {target_lang} übersetzen: {phrase}",
        ],
        "ja": [
            "「{phrase}」は{target_lang}で何と言いますか？",
            "これを{target_lang}に翻訳してください：「{phrase}」",
            "ホストファミリーに{target_lang}でメッセージを送りたいです。「{phrase}」を直訳ではなく自然に訳してもらえますか？",
            "{target_lang}に翻訳お願いします。丁寧な言い方で：{phrase}",
        ],
        "zh": [
            "“{phrase}”用{target_lang}怎么说？",
            "帮我把这句话翻译成{target_lang}：“{phrase}”",
            "我要用{target_lang}给房东发消息：“{phrase}” 能翻译得自然一点吗，不要逐字翻译。",
            "请翻译成{target_lang}，用正式一点的语气：{phrase}",
        ],
    },
    "vocabulary": {
        "en": [
            "Can you give me 20 useful {target_lang} words about {vocab_theme}?",
            "What's a good way to memorize {target_lang} vocabulary? I forget words a day after learning them.",
            "list of common {target_lang} words for {vocab_theme} with example sentences please",
            "I'm travelling next month. What {target_lang} words and phrases should I learn for {vocab_theme}?",
            "Can you make flashcards (word – meaning – example) for {target_lang} vocabulary about {vocab_theme}?",
            "How many {target_lang} words do I need to know to have a basic conversation?",
            "Give me 10 {target_lang} idioms related to {vocab_theme} and explain what they mean.",
        ],
        "es": [
            "¿Me das 20 palabras útiles en {target_lang} sobre {vocab_theme}?",
            "¿Cómo puedo memorizar vocabulario en {target_lang}? Se me olvidan las palabras al día siguiente.",
            "Hazme tarjetas (palabra – significado – ejemplo) con vocabulario de {target_lang} sobre {vocab_theme}.",
            "¿Cuántas palabras de {target_lang} necesito para mantener una conversación básica?",
        ],
        "fr": [
            "Tu peux me donner 20 mots utiles en {target_lang} sur {vocab_theme} ?",
            "Comment mémoriser du vocabulaire en {target_lang} ? J'oublie les mots le lendemain.",
            "Fais-moi des fiches de vocabulaire (mot – sens – exemple) en {target_lang} sur {vocab_theme}.",
            "Combien de mots de vocabulaire en {target_lang} faut-il connaître pour tenir une conversation simple ?",
        ],
        "de": [
            "Kannst du mir 20 nützliche Wörter auf {target_lang} zum Thema {vocab_theme} geben?",
            "Wie lerne ich am besten Vokabeln auf {target_lang}? Ich vergesse sie immer am nächsten Tag.",
            "Mach mir bitte Karteikarten (Wort – Bedeutung – Beispielsatz) für {target_lang}-Vokabeln zum Thema {vocab_theme}.",
            "Wie viele Vokabeln auf {target_lang} brauche ich für ein einfaches Gespräch?",
        ],
        "ja": [
            "{vocab_theme}に関する{target_lang}の単語を20個教えてください。",
            "{target_lang}の単語をなかなか覚えられません。効率のいい覚え方はありますか？",
            "{vocab_theme}がテーマの{target_lang}の単語カード（単語・意味・例文）を作ってください。",
            "{target_lang}で日常会話をするには、単語をいくつくらい覚えればいいですか？",
        ],
        "zh": [
            "能给我20个关于{vocab_theme}的{target_lang}常用单词吗？",
            "{target_lang}单词总是背了就忘，有什么好的记忆方法？",
            "帮我做一组关于{vocab_theme}的{target_lang}单词卡（单词-意思-例句）。",
            "用{target_lang}进行日常对话大概需要掌握多少词汇？",
        ],
    },
}

# ---------------------------------------------------------------------------------------------
# First assistant replies: REPLIES[subtopic][lang]. Short and plausible; the user side matters more.
# ---------------------------------------------------------------------------------------------

REPLIES: dict[str, dict[str, list[str]]] = {
    "python_debugging": {
        "en": [
            "`{py_error}` usually means a value isn't what the code expects at that point. Print the variable right before the failing line and check its type; most of the time you need a guard or a default value. If you paste the full traceback I can point to the exact line.",
            "That error comes from the last line of the traceback. The quickest fix is to check the input before using it, for example with an if-statement or a try/except. Want me to rewrite the snippet with that check?",
        ],
        "es": [
            "Ese error suele indicar que la variable no contiene lo que esperas en ese momento. Imprime su valor justo antes de la línea que falla y añade una comprobación o un valor por defecto. Si pegas el traceback completo, te digo la línea exacta."
        ],
        "fr": [
            "Cette erreur indique en général que la variable ne contient pas ce que tu attends à cet endroit. Affiche sa valeur juste avant la ligne fautive et ajoute une vérification ou une valeur par défaut. Colle le traceback complet si tu veux que je regarde la ligne exacte."
        ],
        "de": [
            "Dieser Fehler bedeutet meistens, dass die Variable an der Stelle nicht das enthält, was du erwartest. Gib den Wert direkt vor der fehlerhaften Zeile aus und baue eine Prüfung oder einen Standardwert ein. Mit dem kompletten Traceback kann ich dir die genaue Zeile zeigen."
        ],
        "ja": [
            "このエラーは、その時点で変数の中身が想定と違うときによく出ます。エラーになる行の直前で値をprintして型を確認し、チェックやデフォルト値を入れてみてください。トレースバック全体を貼ってもらえれば、原因の行を特定します。"
        ],
        "zh": [
            "这个错误通常说明变量在那一行的值和你预期的不一样。先在出错那一行前面把值打印出来，看看类型对不对，再加一个判断或默认值。把完整的报错信息贴出来的话，我可以帮你定位到具体哪一行。"
        ],
    },
    "sql_queries": {
        "en": [
            "Here's one way with a JOIN and GROUP BY on the {table} table: aggregate per customer or period first, then sort and filter the aggregated result. In {db}, a window function like ROW_NUMBER() is the cleanest way to keep just one row per group.",
            "You can do it in a single query: filter in the WHERE clause, aggregate with GROUP BY, and put conditions on totals in HAVING. If it's slow, add an index on the join column.",
        ],
        "es": [
            "Puedes hacerlo con un GROUP BY y un JOIN sobre la tabla {table}. Primero agrega por cliente o por periodo y luego ordena y filtra; en {db}, una función de ventana como ROW_NUMBER() es lo más limpio para quedarte con una fila por grupo."
        ],
        "fr": [
            "Tu peux le faire avec un GROUP BY et une jointure sur la table {table}. Agrège d'abord par client ou par période, puis trie et filtre ; sous {db}, une fonction de fenêtrage comme ROW_NUMBER() est la façon la plus propre de garder une ligne par groupe."
        ],
        "de": [
            "Das geht mit GROUP BY und einem JOIN auf die Tabelle {table}. Erst pro Kunde oder Zeitraum aggregieren, dann sortieren und filtern; in {db} ist eine Fensterfunktion wie ROW_NUMBER() am saubersten, um eine Zeile pro Gruppe zu behalten."
        ],
        "ja": [
            "{table}テーブルにJOINしてGROUP BYで集計するのが基本です。顧客や期間ごとに集計してから並べ替えと絞り込みをします。{db}ならROW_NUMBER()などのウィンドウ関数を使うと、グループごとに1行だけ残せます。"
        ],
        "zh": [
            "可以对{table}表做JOIN再用GROUP BY聚合：先按客户或时间段汇总，再排序和筛选。在{db}里用ROW_NUMBER()这样的窗口函数保留每组一行最简洁。"
        ],
    },
    "web_frontend": {
        "en": [
            "The simplest approach is flexbox: on the parent set display: flex, align-items: center and justify-content: center. With {framework} the idea is the same; keep the layout rules in CSS and only toggle classes from your code.",
            "Start with the layout in CSS (flexbox or grid), then add the behaviour in JavaScript with a single event listener. Media queries handle the mobile version, so you don't need separate markup.",
        ],
        "es": [
            "Lo más sencillo es usar flexbox en el contenedor (display: flex, align-items: center, justify-content: center). Con {framework} la idea es la misma: deja el diseño en CSS y cambia solo las clases desde el código."
        ],
        "fr": [
            "Le plus simple est d'utiliser flexbox sur le conteneur (display: flex, align-items: center, justify-content: center). Avec {framework}, c'est pareil : garde la mise en page dans le CSS et ne change que les classes depuis le code."
        ],
        "de": [
            "Am einfachsten mit Flexbox am Container (display: flex, align-items: center, justify-content: center). Mit {framework} ist das Prinzip gleich: Layout im CSS lassen und im Code nur Klassen umschalten."
        ],
        "ja": [
            "一番簡単なのはflexboxです。親要素にdisplay: flex、align-items: center、justify-content: centerを指定します。{framework}でも考え方は同じで、レイアウトはCSSに任せ、コードではクラスの切り替えだけにするとすっきりします。"
        ],
        "zh": [
            "最简单的是用flexbox：父元素设置display: flex、align-items: center、justify-content: center。{framework}里思路一样，布局交给CSS，代码里只切换class。"
        ],
    },
    "cover_letters": {
        "en": [
            "Here's a draft: open with why {company} specifically, then two short paragraphs linking your experience to the {job} role with one concrete result each, and close with a confident line asking for an interview. Aim for 250–300 words.",
            "A strong cover letter for a {job} role does three things: shows you understand what the team needs, proves you've done something similar (with a number if possible), and sounds like a person rather than a template. Here's a first version built that way.",
        ],
        "es": [
            "Aquí tienes un borrador: empieza explicando por qué {company}, luego dos párrafos breves que conecten tu experiencia con el puesto de {job}, cada uno con un logro concreto, y cierra pidiendo una entrevista."
        ],
        "fr": [
            "Voici une proposition : commence par expliquer pourquoi {company}, puis deux paragraphes courts qui relient ton expérience au poste de {job}, chacun avec un résultat concret, et termine en proposant un entretien."
        ],
        "de": [
            "Hier ein Entwurf: Steig damit ein, warum gerade {company}, dann zwei kurze Absätze, die deine Erfahrung mit der Stelle als {job} verbinden, jeweils mit einem konkreten Erfolg, und zum Schluss die Bitte um ein Gespräch."
        ],
        "ja": [
            "下書きを作りました。まず{company}を志望する理由、次に{job}の仕事に直結する経験を具体的な成果とともに2段落で書き、最後に面接の機会をお願いする一文で締めています。"
        ],
        "zh": [
            "给你一个草稿：开头说明为什么选择{company}，中间两段把你的经验和{job}岗位联系起来，各举一个具体成果，最后表达希望获得面试机会。"
        ],
    },
    "email_drafting": {
        "en": [
            "Here's a short, friendly draft with a clear subject line, one sentence of context, your request, and a polite closing. Fill in the names and dates and it's ready to send.",
            "Sure. Keep it short: one line of context, the request itself, and a clear next step. Here's a version you can adapt — the tone is polite but direct.",
        ],
        "es": [
            "Aquí tienes un borrador breve: asunto claro, una frase de contexto, la petición y un cierre amable. Solo tienes que completar nombres y fechas."
        ],
        "fr": [
            "Voici un brouillon court : un objet clair, une phrase de contexte, la demande et une formule de politesse. Il ne reste qu'à compléter les noms et les dates."
        ],
        "de": [
            "Hier ein kurzer Entwurf: klarer Betreff, ein Satz Kontext, die eigentliche Bitte und ein freundlicher Schluss. Du musst nur noch Namen und Daten einsetzen."
        ],
        "ja": [
            "短めの文面を作りました。件名、簡単な前置き、用件、結びの挨拶の順になっています。名前と日付を入れればそのまま使えます。"
        ],
        "zh": [
            "给你一个简短的草稿：清晰的标题、一句背景说明、具体请求和礼貌的结尾，填上姓名和日期就可以发了。"
        ],
    },
    "essay_editing": {
        "en": [
            "The main issue is that the thesis states a topic rather than a claim. Turn it into an arguable sentence about {essay_topic}, then make sure each body paragraph opens with a point that supports it.",
            "I'd tighten the prose by cutting filler phrases ('it is important to note that'), switching passive to active voice, and ending each paragraph with a sentence that links back to your argument.",
        ],
        "es": [
            "El problema principal es que la tesis enuncia un tema, no una postura. Conviértela en una afirmación discutible sobre {essay_topic} y asegúrate de que cada párrafo empiece con una idea que la apoye."
        ],
        "fr": [
            "Le principal souci, c'est que ta problématique annonce un sujet et pas une thèse. Formule une affirmation discutable sur {essay_topic}, puis vérifie que chaque partie commence par un argument qui la soutient."
        ],
        "de": [
            "Das Hauptproblem ist, dass deine These ein Thema nennt, aber keine Behauptung aufstellt. Formuliere eine streitbare Aussage über {essay_topic} und lass jeden Absatz mit einem Argument dafür beginnen."
        ],
        "ja": [
            "一番の課題は、主張ではなくテーマを述べているだけになっている点です。{essay_topic}について賛否が分かれる主張を一文で書き、各段落の冒頭でそれを支える論点を示すと説得力が増します。"
        ],
        "zh": [
            "主要问题是论点只是在陈述话题，而不是提出观点。试着把它改成一个关于{essay_topic}的明确主张，然后让每个段落开头都用一个论据来支撑它。"
        ],
    },
    "recipes": {
        "en": [
            "Here's a simple version for {n_people}: brown the aromatics first, add the main ingredients in stages, and let it simmer until everything is tender. Season at the end and taste before serving — about 40 minutes in total.",
            "Good news, {dish} is very forgiving. You'll need the base ingredients listed below; if you're missing {ingredient}, a simple substitute works fine. Total time is roughly 45 minutes.",
        ],
        "es": [
            "Aquí tienes una versión sencilla de {dish} para {n_people}: sofríe primero la base, añade los ingredientes principales por partes y deja que se cocine a fuego lento. Rectifica de sal al final; en total son unos 40 minutos."
        ],
        "fr": [
            "Voici une version simple pour {n_people} personnes : fais revenir la base, ajoute les ingrédients principaux en plusieurs fois, puis laisse mijoter. Rectifie l'assaisonnement à la fin ; compte environ 45 minutes."
        ],
        "de": [
            "Hier eine einfache Variante von {dish} für {n_people} Personen: zuerst die Basis anbraten, dann die Hauptzutaten nach und nach dazugeben und köcheln lassen. Zum Schluss abschmecken, insgesamt etwa 45 Minuten."
        ],
        "ja": [
            "{n_people}人分の{dish}の簡単な作り方です。まず香味野菜を炒め、具材を順番に加えて煮込み、最後に味を調えます。全部で40分ほどです。"
        ],
        "zh": [
            "{n_people}人份的{dish}简单做法：先把葱姜蒜炒香，再分次加入主料，小火煮到入味，最后调味。一共大约40分钟。"
        ],
    },
    "baking": {
        "en": [
            "That usually comes down to three things: measuring flour by volume instead of weight, oven temperature, or over-mixing. For {bake}, weigh the flour, use an oven thermometer, and mix only until just combined.",
            "Here's a beginner-friendly {bake} recipe with weights in grams. The key steps are bringing ingredients to room temperature, not overmixing, and letting it cool fully before slicing.",
        ],
        "es": [
            "Suele deberse a tres cosas: medir la harina a ojo, la temperatura del horno o batir de más. Para {bake}, pesa la harina, usa un termómetro de horno y mezcla solo lo justo."
        ],
        "fr": [
            "Ça vient souvent de trois choses : la farine mesurée au volume, la température du four ou une pâte trop travaillée. Pèse la farine, vérifie le four avec un thermomètre et mélange juste ce qu'il faut."
        ],
        "de": [
            "Meist liegt es an drei Dingen: Mehl nicht abgewogen, Ofentemperatur oder zu langes Rühren. Für {bake} das Mehl wiegen, ein Ofenthermometer nutzen und nur so lange rühren, bis alles verbunden ist."
        ],
        "ja": [
            "原因はたいてい、粉を量らずに入れている、オーブンの温度、混ぜすぎ、のどれかです。{bake}なら粉はスケールで量り、オーブン温度計を使い、混ぜるのは粉っぽさがなくなるまでにしてみてください。"
        ],
        "zh": [
            "通常是这三个原因：面粉没有称重、烤箱温度不准、搅拌过度。做{bake}时面粉一定要称重，最好用烤箱温度计，搅拌到没有干粉就停。"
        ],
    },
    "meal_planning": {
        "en": [
            "Here's a plan built around a few batch-cooked bases (a grain, a tray of roasted vegetables, a protein) so you're not cooking from scratch every night. The shopping list is grouped by aisle at the end.",
            "I've planned simple meals that reuse ingredients across days to cut waste and cost: roast chicken on day 1 becomes wraps on day 2 and soup on day 3.",
        ],
        "es": [
            "Aquí tienes un plan basado en cocinar en tanda algunas bases (un cereal, verduras al horno y una proteína) para no empezar de cero cada noche. Al final va la lista de la compra."
        ],
        "fr": [
            "Voici un menu construit autour de quelques bases cuisinées à l'avance (une céréale, des légumes rôtis, une protéine) pour ne pas repartir de zéro chaque soir. La liste de courses est à la fin."
        ],
        "de": [
            "Hier ein Plan mit ein paar vorgekochten Grundlagen (Getreide, Ofengemüse, eine Eiweißquelle), damit du nicht jeden Abend bei null anfängst. Die Einkaufsliste steht am Ende."
        ],
        "ja": [
            "献立を考えました。主食、焼き野菜、たんぱく質をまとめて作り置きして、毎日ゼロから作らなくていいようにしています。最後に買い物リストを付けました。"
        ],
        "zh": ["这是给你的菜单，提前批量做好主食、烤蔬菜和一种蛋白质，每天不用从头做。最后附上购物清单。"],
    },
    "itineraries": {
        "en": [
            "Here's a relaxed plan for {city}: each day focuses on one area so you're not criss-crossing the city, with a main sight in the morning, lunch nearby and a free afternoon. I've marked which places need booking in advance.",
            "In {city} I'd spend the first day on the historic centre, then alternate a busy day with a slower neighbourhood day. Buy a transit pass on arrival; it pays for itself within two days.",
        ],
        "es": [
            "Aquí tienes un plan tranquilo en {city}: cada día se centra en una zona, con una visita principal por la mañana, comida cerca y la tarde libre. Te marco qué sitios conviene reservar."
        ],
        "fr": [
            "Voici un programme tranquille à {city} : chaque journée se concentre sur un quartier, avec une visite principale le matin, un déjeuner à proximité et l'après-midi libre. J'indique ce qu'il faut réserver."
        ],
        "de": [
            "Hier ein entspannter Plan für {city}: Jeder Tag konzentriert sich auf ein Viertel, morgens ein Highlight, Mittagessen in der Nähe, nachmittags Freizeit. Ich habe markiert, was man vorab buchen sollte."
        ],
        "ja": [
            "{city}のゆったりプランです。1日1エリアに絞り、午前に主な見どころ、近くでランチ、午後は自由時間にしています。予約が必要な場所には印を付けました。"
        ],
        "zh": [
            "这是{city}的轻松行程：每天只逛一个区域，上午看主要景点，中午就近吃饭，下午自由活动。需要提前预约的地方我都标出来了。"
        ],
    },
    "visas_documents": {
        "en": [
            "Requirements change often, so check the official government or embassy website for {country} before booking. In general you'll need a passport valid for at least six months beyond your stay, proof of funds, and a return or onward ticket.",
            "It depends on your nationality and the length of stay. Many countries allow visa-free or e-visa entry for short tourist trips, but always confirm on the official embassy site — third-party sites often charge extra fees.",
        ],
        "es": [
            "Los requisitos cambian a menudo, así que confírmalo en la web oficial de la embajada de {country}. En general necesitarás un pasaporte con al menos seis meses de validez, solvencia económica y billete de vuelta."
        ],
        "fr": [
            "Les conditions changent souvent, vérifie donc sur le site officiel de l'ambassade. En général il faut un passeport valable au moins six mois après le séjour, des justificatifs de ressources et un billet retour."
        ],
        "de": [
            "Die Regeln ändern sich oft, prüf also die offizielle Seite der Botschaft. Meist brauchst du einen Pass, der noch mindestens sechs Monate nach der Reise gültig ist, einen Finanzierungsnachweis und ein Rückflugticket."
        ],
        "ja": [
            "条件は変わることが多いので、必ず{country}の大使館の公式サイトで確認してください。一般的には、滞在期間プラス6か月以上有効なパスポート、資金証明、帰りの航空券が必要です。"
        ],
        "zh": [
            "签证政策经常变化，请以{country}使馆官网为准。一般需要有效期超过六个月的护照、资金证明和往返机票。"
        ],
    },
    "packing": {
        "en": [
            "Here's a packing list for {trip}, grouped into clothes, toiletries, documents and electronics. Rule of thumb: pack for one week and do laundry, layer instead of bringing bulky items, and wear your heaviest shoes on the plane.",
            "Focus on versatile layers, one pair of comfortable walking shoes plus one nicer pair, and a small bag of essentials (charger, adapter, medication, copies of documents). I've added an 'often forgotten' list at the end.",
        ],
        "es": [
            "Aquí tienes una lista para {trip}, dividida en ropa, neceser, documentos y electrónica. Regla general: ropa para una semana, capas en vez de prendas voluminosas y el calzado más pesado puesto en el avión."
        ],
        "fr": [
            "Voici une liste pour {trip}, par catégories : vêtements, trousse de toilette, papiers et électronique. En règle générale : de quoi tenir une semaine, des couches plutôt que des pièces encombrantes, et les chaussures les plus lourdes aux pieds dans l'avion."
        ],
        "de": [
            "Hier eine Packliste für {trip}, sortiert nach Kleidung, Kulturbeutel, Dokumenten und Elektronik. Faustregel: für eine Woche packen, im Zwiebellook denken und die schwersten Schuhe im Flugzeug tragen."
        ],
        "ja": [
            "{trip}の持ち物リストを、衣類・洗面用具・書類・電子機器に分けて作りました。服は1週間分にして洗濯で回し、かさばる服より重ね着を意識するのがコツです。"
        ],
        "zh": [
            "这是{trip}的行李清单，按衣物、洗漱用品、证件和电子产品分类。原则是：衣服带一周的量，用叠穿代替厚重衣物，最重的鞋穿在身上。"
        ],
    },
    "workout_plans": {
        "en": [
            "Here's a {days_per_week}-day plan: full-body sessions built around a squat, a push, a pull and a hinge movement, 3 sets of 8–12 reps each, plus 10 minutes of easy cardio. Add a little weight or one rep each week.",
            "Start with two or three weeks of technique-focused sessions at a comfortable effort, then progress gradually. Rest days matter as much as training days, so keep at least one full day off between hard sessions.",
        ],
        "es": [
            "Aquí tienes un plan de {days_per_week} días: sesiones de cuerpo completo con sentadilla, empuje, tirón y bisagra de cadera, 3 series de 8-12 repeticiones, más 10 minutos de cardio suave. Sube un poco el peso o una repetición cada semana."
        ],
        "fr": [
            "Voici un programme sur {days_per_week} jours : séances full body avec squat, poussée, tirage et soulevé de terre, 3 séries de 8 à 12 répétitions, plus 10 minutes de cardio léger. Ajoute un peu de charge ou une répétition chaque semaine."
        ],
        "de": [
            "Hier ein Plan für {days_per_week} Tage: Ganzkörpereinheiten mit Kniebeuge, Drücken, Ziehen und Hüftbeuge, je 3 Sätze à 8–12 Wiederholungen, dazu 10 Minuten lockeres Cardio. Steigere jede Woche etwas Gewicht oder eine Wiederholung."
        ],
        "ja": [
            "週{days_per_week}日のプランです。スクワット、押す動き、引く動き、ヒンジ動作を中心にした全身トレーニングを各3セット8〜12回、最後に軽い有酸素運動を10分。毎週少しずつ重さか回数を増やしましょう。"
        ],
        "zh": [
            "这是每周{days_per_week}天的计划：全身训练，包括深蹲、推、拉和髋铰链动作，每个动作3组，每组8到12次，最后10分钟轻松有氧。每周稍微加一点重量或次数。"
        ],
    },
    "sleep": {
        "en": [
            "A few things tend to help most: a fixed wake-up time (even on weekends), no screens for the last 30–60 minutes, a cool dark room, and no caffeine after early afternoon. If you're awake for more than 20 minutes, get up and do something calm until you feel sleepy.",
            "Patterns like this are often linked to stress, alcohol, or a room that's too warm. Keep a simple sleep diary for two weeks; it makes patterns easier to spot, and it's useful if you decide to see a doctor.",
        ],
        "es": [
            "Lo que más suele ayudar: levantarse siempre a la misma hora (también el fin de semana), nada de pantallas la última media hora, habitación fresca y oscura, y nada de cafeína por la tarde."
        ],
        "fr": [
            "Ce qui aide le plus en général : une heure de lever fixe (même le week-end), pas d'écrans la dernière demi-heure, une chambre fraîche et sombre, et pas de caféine l'après-midi."
        ],
        "de": [
            "Am meisten helfen meist: eine feste Aufstehzeit (auch am Wochenende), keine Bildschirme in der letzten halben Stunde, ein kühles, dunkles Zimmer und kein Koffein am Nachmittag."
        ],
        "ja": [
            "効果が出やすいのは、毎朝同じ時間に起きる（休日も）、寝る前30分はスマホを見ない、寝室を涼しく暗くする、午後はカフェインを控える、といった習慣です。"
        ],
        "zh": [
            "最有用的几点：每天固定时间起床（周末也一样），睡前半小时不看屏幕，卧室保持凉爽黑暗，下午以后不喝咖啡。"
        ],
    },
    "nutrition": {
        "en": [
            "A common guideline for people who lift is about 1.6 g of protein per kg of body weight per day, spread over 3–4 meals. Whole foods like eggs, dairy, legumes, fish and meat make it easy to reach without supplements.",
            "It can be part of a healthy diet — what matters more is portion size and what you eat it with. Pair it with protein and fibre to stay full longer.",
        ],
        "es": [
            "Una pauta habitual si entrenas fuerza es 1,6 g de proteína por kilo de peso al día, repartidos en 3-4 comidas. Huevos, lácteos, legumbres, pescado y carne lo ponen fácil sin suplementos."
        ],
        "fr": [
            "Un repère courant quand on fait de la musculation : environ 1,6 g de protéines par kilo de poids par jour, réparti sur 3 ou 4 repas. Œufs, produits laitiers, légumineuses, poisson et viande suffisent souvent."
        ],
        "de": [
            "Eine gängige Faustregel für Krafttraining sind etwa 1,6 g Eiweiß pro Kilo Körpergewicht am Tag, verteilt auf 3–4 Mahlzeiten. Mit Eiern, Milchprodukten, Hülsenfrüchten, Fisch und Fleisch klappt das meist ohne Pulver."
        ],
        "ja": [
            "筋トレをしている人の目安は、体重1kgあたり1日約1.6gのたんぱく質で、3〜4回の食事に分けてとるのがおすすめです。卵、乳製品、豆類、魚、肉で十分まかなえます。"
        ],
        "zh": [
            "做力量训练的人一般建议每天每公斤体重摄入约1.6克蛋白质，分3到4餐吃。鸡蛋、奶制品、豆类、鱼和肉基本就够了。"
        ],
    },
    "budgeting": {
        "en": [
            "Let's start from what you actually spend: list fixed costs (rent, bills, debt payments), then variable ones (groceries, transport, fun). A common split is 50% needs, 30% wants, 20% savings — adjust it to your numbers and automate the savings transfer on payday.",
            "The easiest win is usually automation: move a fixed amount to savings the day you're paid, and give yourself a weekly spending limit for everything variable. Track it for one month before changing anything else.",
        ],
        "es": [
            "Empecemos por lo que gastas de verdad: primero gastos fijos (alquiler, facturas, deudas) y luego variables (comida, transporte, ocio). Un reparto típico es 50 % necesidades, 30 % caprichos y 20 % ahorro; automatiza la transferencia al ahorro el día de cobro."
        ],
        "fr": [
            "Partons de tes vraies dépenses : d'abord les charges fixes (loyer, factures, crédits), puis les variables (courses, transport, loisirs). Une répartition classique : 50 % besoins, 30 % envies, 20 % épargne, avec un virement automatique le jour de la paie."
        ],
        "de": [
            "Fang mit deinen echten Ausgaben an: erst Fixkosten (Miete, Rechnungen, Kredite), dann variable Kosten (Lebensmittel, Mobilität, Freizeit). Eine gängige Aufteilung ist 50 % Bedarf, 30 % Wünsche, 20 % Sparen, am besten per Dauerauftrag am Zahltag."
        ],
        "ja": [
            "まずは実際の支出を、固定費（家賃・光熱費・ローン）と変動費（食費・交通費・娯楽）に分けて書き出しましょう。よく使われる配分は必要経費50%、娯楽30%、貯蓄20%で、給料日に自動で貯金に回すのがおすすめです。"
        ],
        "zh": [
            "先列出实际支出：固定支出（房租、水电、还款）和可变支出（吃饭、交通、娱乐）。常见的分配是50%必要开支、30%想要的、20%储蓄，发工资当天就自动转一部分到储蓄。"
        ],
    },
    "taxes": {
        "en": [
            "In general you can deduct expenses that are ordinary and necessary for your work: equipment, software, a share of your phone and internet, and business travel. Keep receipts and a simple log; the exact rules depend on where you live, so check with the tax authority or an accountant.",
            "A deduction lowers your taxable income, while a credit lowers the tax you owe directly — so a $100 credit is worth more than a $100 deduction. Rules change by year, so double-check the current guidance.",
        ],
        "es": [
            "En general puedes deducir los gastos necesarios para tu actividad: equipos, software, parte del teléfono e internet y desplazamientos de trabajo. Guarda las facturas; las reglas exactas dependen de tu situación, así que consúltalo con Hacienda o una gestoría."
        ],
        "fr": [
            "En général, on peut déduire les dépenses nécessaires à l'activité : matériel, logiciels, une partie du téléphone et d'internet, déplacements professionnels. Garde les justificatifs ; les règles exactes dépendent de ton statut, vérifie sur le site des impôts ou auprès d'un comptable."
        ],
        "de": [
            "Grundsätzlich kannst du Ausgaben absetzen, die für deine Arbeit nötig sind: Ausstattung, Software, anteilig Handy und Internet, Dienstreisen. Belege aufheben; die genauen Regeln hängen von deiner Situation ab, im Zweifel beim Finanzamt oder Steuerberater nachfragen."
        ],
        "ja": [
            "基本的には、仕事に必要な支出（機材、ソフト、通信費の一部、仕事の交通費など）が経費になります。領収書は必ず保管し、細かい判断は税務署や税理士に確認してください。"
        ],
        "zh": [
            "一般来说，和工作直接相关的支出（设备、软件、部分通讯费、出差费用）可以扣除。记得保留发票，具体规定以税务部门的说明为准，有疑问可以咨询税务师。"
        ],
    },
    "investing": {
        "en": [
            "For most beginners a low-cost, broadly diversified index fund is a sensible core: it spreads risk across hundreds of companies and keeps fees low. Keep 3–6 months of expenses in cash first, and only invest money you won't need for at least five years.",
            "An ETF is a basket of investments that trades on an exchange like a stock; a mutual fund is priced once a day and may have higher minimums. Both can track an index — compare fees and holdings rather than the label. This is general information, not personal advice.",
        ],
        "es": [
            "Para la mayoría de principiantes, un fondo indexado barato y diversificado es una buena base. Antes, ten un colchón de 3-6 meses de gastos y no inviertas dinero que vayas a necesitar en menos de cinco años. Es información general, no asesoramiento personal."
        ],
        "fr": [
            "Pour la plupart des débutants, un ETF indiciel peu cher et bien diversifié est une bonne base. Garde d'abord 3 à 6 mois de dépenses en épargne de précaution et n'investis que l'argent dont tu n'auras pas besoin avant cinq ans. Ce sont des infos générales, pas un conseil personnalisé."
        ],
        "de": [
            "Für die meisten Einsteiger ist ein günstiger, breit gestreuter ETF eine sinnvolle Basis. Vorher 3–6 Monatsausgaben als Notgroschen zurücklegen und nur Geld anlegen, das du mindestens fünf Jahre nicht brauchst. Das ist keine individuelle Anlageberatung."
        ],
        "ja": [
            "初心者には、手数料が安く幅広く分散されたインデックスファンドが基本になります。まず生活費の3〜6か月分を預金で確保し、5年以上使わないお金で投資するのがおすすめです。一般的な情報として参考にしてください。"
        ],
        "zh": [
            "对大多数新手来说，低费率、分散化的指数基金是不错的基础配置。先留出3到6个月的生活费作为应急资金，只用五年内用不到的钱来投资。以上仅为一般性信息，不构成投资建议。"
        ],
    },
    "algebra": {
        "en": [
            "Let's go step by step: first expand any brackets, then collect the x terms on one side and the numbers on the other, and finally divide by the coefficient of x. Check by substituting your answer back in.",
            "Good question. The idea is to undo operations in reverse order while keeping both sides equal. I'll write out each step so you can see what happens to both sides.",
        ],
        "es": [
            "Vamos paso a paso: primero quita los paréntesis, luego deja las x a un lado y los números al otro, y al final divide por el coeficiente de x. Comprueba sustituyendo el resultado."
        ],
        "fr": [
            "Procédons étape par étape : on développe d'abord les parenthèses, on regroupe les x d'un côté et les nombres de l'autre, puis on divise par le coefficient de x. Vérifie en remplaçant x par ta solution."
        ],
        "de": [
            "Gehen wir Schritt für Schritt vor: zuerst Klammern auflösen, dann alle x auf eine Seite und die Zahlen auf die andere bringen, zum Schluss durch den Faktor vor x teilen. Zur Probe das Ergebnis einsetzen."
        ],
        "ja": [
            "順番に解いていきます。まずかっこを外し、xの項を左辺、数字を右辺に集めて、最後にxの係数で割ります。答えを元の式に代入して確かめましょう。"
        ],
        "zh": [
            "我们一步一步来：先去括号，再把含x的项移到一边、常数移到另一边，最后两边同时除以x的系数。把答案代回原式检验一下。"
        ],
    },
    "statistics": {
        "en": [
            "Think of the standard deviation as the typical distance of a data point from the mean. To compute it: find the mean, subtract it from each value, square those differences, average them (divide by n − 1 for a sample), and take the square root.",
            "A p-value tells you how surprising your data would be if there were really no effect. Below your chosen threshold (often 0.05) you call it statistically significant — but that says nothing about how big or important the effect is.",
        ],
        "es": [
            "Piensa en la desviación típica como la distancia típica de cada dato a la media. Se calcula así: halla la media, réstala a cada valor, eleva al cuadrado, promedia (divide entre n − 1 si es una muestra) y saca la raíz cuadrada."
        ],
        "fr": [
            "Vois l'écart-type comme la distance typique entre une valeur et la moyenne. Calcul : trouve la moyenne, soustrais-la à chaque valeur, mets au carré, fais la moyenne (divise par n − 1 pour un échantillon) et prends la racine carrée."
        ],
        "de": [
            "Die Standardabweichung ist die typische Entfernung eines Werts vom Mittelwert. Berechnung: Mittelwert bestimmen, von jedem Wert abziehen, quadrieren, mitteln (bei einer Stichprobe durch n − 1 teilen) und die Wurzel ziehen."
        ],
        "ja": [
            "標準偏差は「データが平均からどれくらい離れているかの典型的な大きさ」です。平均を求め、各値との差を2乗し、その平均（標本ならn−1で割る）をとって、最後に平方根をとります。"
        ],
        "zh": [
            "标准差可以理解为数据离平均值的典型距离。计算方法：先求平均数，每个数减去平均数后平方，求平均（样本的话除以n−1），最后开平方。"
        ],
    },
    "physics": {
        "en": [
            "Start by listing what you know and what you're asked for, then pick the equation that links them. Conservation of energy or the basic kinematics equations will do here; I'll show each step with units so you can follow along.",
            "Here's the intuition first, then the maths: forces change motion, energy is conserved when there's no friction, and units are your best check that a formula makes sense.",
        ],
        "es": [
            "Empieza anotando los datos y lo que te piden, y elige la ecuación que los relaciona. Aquí sirven la conservación de la energía o las ecuaciones de cinemática; te muestro cada paso con unidades."
        ],
        "fr": [
            "Commence par noter les données et ce qu'on te demande, puis choisis l'équation qui les relie. Ici, la conservation de l'énergie ou les équations du mouvement suffisent ; je détaille chaque étape avec les unités."
        ],
        "de": [
            "Schreib zuerst auf, was gegeben und was gesucht ist, und wähl dann die passende Formel. Hier helfen Energieerhaltung oder die Bewegungsgleichungen; ich zeige jeden Schritt mit Einheiten."
        ],
        "ja": [
            "まず分かっている量と求める量を書き出し、それをつなぐ式を選びます。この問題ではエネルギー保存則か等加速度運動の式が使えます。単位付きで順番に説明しますね。"
        ],
        "zh": [
            "先列出已知量和要求的量，再选能把它们联系起来的公式。这道题可以用能量守恒或运动学公式，我会带着单位一步一步写给你看。"
        ],
    },
    "grammar": {
        "en": [
            "Here's the short rule with examples, followed by the common exceptions. The quickest way to internalise it is to learn a few example sentences by heart rather than the rule itself.",
            "Think of it this way: one form describes what something is by nature, the other describes a state or situation right now. I've added five example pairs so you can see the contrast.",
        ],
        "es": [
            "Te dejo la regla corta con ejemplos y luego las excepciones más comunes. Lo que mejor funciona es aprenderte de memoria unas cuantas frases modelo."
        ],
        "fr": [
            "Voici la règle en bref avec des exemples, puis les exceptions les plus fréquentes. Le plus efficace est d'apprendre par cœur quelques phrases modèles."
        ],
        "de": [
            "Hier die Kurzregel mit Beispielen und danach die häufigsten Ausnahmen. Am besten prägst du dir ein paar Mustersätze ein, statt nur die Regel zu lernen."
        ],
        "ja": [
            "簡単なルールと例文、よくある例外をまとめました。ルールを覚えるより、例文をいくつか丸ごと覚えるほうが身につきやすいです。"
        ],
        "zh": ["先给你简单的规则和例句，再列出常见的例外。比起死记规则，背几个典型例句更容易掌握。"],
    },
    "translation": {
        "en": [
            "In {target_lang} that would naturally be rendered as shown below. I've kept the tone friendly and adjusted the word order so it doesn't sound like a word-for-word translation.",
            "Here's the translation into {target_lang}, plus a slightly more formal alternative in case you're writing to someone you don't know.",
        ],
        "es": [
            "Aquí tienes la traducción al {target_lang}, con un tono natural, y una alternativa un poco más formal por si escribes a alguien que no conoces."
        ],
        "fr": [
            "Voici la traduction en {target_lang}, avec un ton naturel, et une variante un peu plus formelle si tu écris à quelqu'un que tu ne connais pas."
        ],
        "de": [
            "Hier die Übersetzung auf {target_lang}, natürlich formuliert, und eine etwas förmlichere Variante, falls du jemandem schreibst, den du nicht kennst."
        ],
        "ja": [
            "{target_lang}の自然な訳はこちらです。知らない相手に送る場合のために、少し丁寧なバージョンも付けました。"
        ],
        "zh": ["这是翻译成{target_lang}的自然版本，另外附了一个更正式的说法，适合发给不太熟的人。"],
    },
    "vocabulary": {
        "en": [
            "Here are useful {target_lang} words on that theme, grouped into nouns, verbs and set phrases, each with a short example sentence.",
            "Spaced repetition works best: review new words after one day, three days, a week and a month. Learn them in short phrases rather than alone, and say them out loud.",
        ],
        "es": [
            "Aquí tienes palabras útiles en {target_lang}, agrupadas en sustantivos, verbos y expresiones, cada una con un ejemplo. Repásalas al día siguiente, a los tres días y a la semana."
        ],
        "fr": [
            "Voici des mots utiles en {target_lang}, classés en noms, verbes et expressions, chacun avec un exemple. Révise-les le lendemain, trois jours après puis une semaine après."
        ],
        "de": [
            "Hier sind nützliche Wörter auf {target_lang}, sortiert nach Nomen, Verben und festen Wendungen, jeweils mit Beispielsatz. Wiederhole sie nach einem Tag, nach drei Tagen und nach einer Woche."
        ],
        "ja": [
            "よく使う{target_lang}の単語を、名詞・動詞・決まり文句に分けて例文付きでまとめました。翌日、3日後、1週間後に復習すると定着しやすいです。"
        ],
        "zh": [
            "这是常用的{target_lang}单词，按名词、动词和固定搭配分类，每个都附了例句。建议第二天、第三天和一周后各复习一次。"
        ],
    },
}

# ---------------------------------------------------------------------------------------------
# Follow-up turns: (user, assistant) pairs, per topic and generic.
# ---------------------------------------------------------------------------------------------

FOLLOWUPS: dict[str, dict[str, list[tuple[str, str]]]] = {
    "coding": {
        "en": [
            (
                "Thanks, that fixed it! Can you explain why it happened?",
                "Sure — the code assumed the data always had a certain shape, but at least one input didn't. Checking the input first, or using a default, makes it robust to that case.",
            ),
            (
                "Can you add comments to the code so I understand each line?",
                "Of course. I've added a short comment above each line explaining what it does and why.",
            ),
            (
                "Is there a more efficient way to do this?",
                "Yes — you can usually avoid the extra loop or subquery. The version below does the same work in a single pass, which matters once the data gets large.",
            ),
            (
                "It still doesn't work, now I get a different error.",
                "That's progress — the first problem is fixed. Paste the new error message and the line it points to, and we'll take it from there.",
            ),
        ],
        "es": [
            (
                "¡Gracias, ya funciona! ¿Me explicas por qué pasaba?",
                "Claro: el código daba por hecho que los datos siempre tenían la misma forma, y al menos uno no la tenía. Comprobarlo antes lo hace más robusto.",
            ),
            (
                "¿Puedes añadir comentarios al código para entender cada línea?",
                "Por supuesto, he añadido un comentario breve encima de cada línea.",
            ),
            (
                "Sigue sin funcionar, ahora me sale otro error.",
                "Eso es un avance: el primer problema está resuelto. Pega el nuevo mensaje de error y lo vemos.",
            ),
        ],
        "fr": [
            (
                "Merci, ça marche ! Tu peux m'expliquer pourquoi ça plantait ?",
                "Bien sûr : le code supposait que les données avaient toujours la même forme, et au moins une ne l'avait pas. Vérifier avant rend le code plus robuste.",
            ),
            (
                "Tu peux ajouter des commentaires pour que je comprenne chaque ligne ?",
                "Bien sûr, j'ai ajouté un court commentaire au-dessus de chaque ligne.",
            ),
            (
                "Ça ne marche toujours pas, j'ai une autre erreur maintenant.",
                "C'est un progrès : le premier problème est réglé. Colle le nouveau message d'erreur et on regarde.",
            ),
        ],
        "de": [
            (
                "Danke, jetzt läuft es! Kannst du erklären, warum das passiert ist?",
                "Klar: Der Code ging davon aus, dass die Daten immer gleich aufgebaut sind, und mindestens ein Eintrag war es nicht. Eine Prüfung vorher macht ihn robuster.",
            ),
            (
                "Kannst du Kommentare in den Code schreiben, damit ich jede Zeile verstehe?",
                "Gern, ich habe über jede Zeile einen kurzen Kommentar gesetzt.",
            ),
            (
                "Geht immer noch nicht, jetzt kommt ein anderer Fehler.",
                "Das ist ein Fortschritt, das erste Problem ist gelöst. Schick mir die neue Fehlermeldung, dann schauen wir weiter.",
            ),
        ],
        "ja": [
            (
                "ありがとうございます、動きました！なぜ起きていたのか説明してもらえますか？",
                "はい。コードはデータが常に同じ形だと想定していましたが、そうでないデータが混ざっていました。先にチェックを入れることで防げます。",
            ),
            ("各行にコメントを付けてもらえますか？", "もちろんです。各行の上に短いコメントを追加しました。"),
            (
                "まだ動きません。今度は別のエラーが出ました。",
                "最初の問題は解決したので前進です。新しいエラーメッセージを貼ってもらえれば一緒に見ます。",
            ),
        ],
        "zh": [
            (
                "谢谢，可以运行了！能解释一下为什么会这样吗？",
                "当然。代码默认数据总是同样的结构，但至少有一条不是。提前检查一下就能避免。",
            ),
            ("能给代码加上注释吗？我想弄懂每一行。", "好的，我在每一行上面都加了简短的注释。"),
            ("还是不行，现在报了另一个错。", "这说明第一个问题已经解决了。把新的报错贴出来，我们继续看。"),
        ],
    },
    "writing": {
        "en": [
            (
                "Can you make it sound a bit less formal?",
                "Sure — I've loosened the tone, used contractions and cut the stiff phrases while keeping it polite.",
            ),
            (
                "It's too long. Can you cut it in half?",
                "Here's a version about half the length; I kept the main point and the closing line.",
            ),
            (
                "Can you write two alternative opening lines?",
                "Here are two options: one direct and one a bit warmer. Pick whichever fits the reader better.",
            ),
        ],
        "es": [
            (
                "¿Puedes hacerlo un poco menos formal?",
                "Claro, he suavizado el tono y quitado las frases más rígidas, sin perder la cortesía.",
            ),
            (
                "Es demasiado largo, ¿lo dejas en la mitad?",
                "Aquí tienes una versión de la mitad de largo con la idea principal y el cierre.",
            ),
            (
                "¿Me das dos alternativas para la primera frase?",
                "Aquí tienes dos opciones: una más directa y otra más cercana.",
            ),
        ],
        "fr": [
            (
                "Tu peux le rendre un peu moins formel ?",
                "Bien sûr, j'ai allégé le ton et retiré les tournures trop rigides, tout en restant poli.",
            ),
            (
                "C'est trop long, tu peux couper de moitié ?",
                "Voici une version deux fois plus courte qui garde l'idée principale et la conclusion.",
            ),
            (
                "Tu peux proposer deux autres phrases d'accroche ?",
                "Voici deux options : une plus directe et une plus chaleureuse.",
            ),
        ],
        "de": [
            (
                "Kannst du es etwas lockerer formulieren?",
                "Klar, ich habe den Ton etwas entspannt und steife Formulierungen gestrichen; es bleibt trotzdem höflich.",
            ),
            (
                "Das ist zu lang, kannst du es halbieren?",
                "Hier ist eine halb so lange Version mit der Kernaussage und dem Schluss.",
            ),
            (
                "Kannst du mir zwei andere Einstiegssätze vorschlagen?",
                "Hier sind zwei Varianten: eine direkte und eine etwas wärmere.",
            ),
        ],
        "ja": [
            (
                "もう少しくだけた感じにできますか？",
                "はい、丁寧さは残しつつ、堅い表現を少し柔らかくしました。",
            ),
            (
                "長すぎるので半分くらいにしてもらえますか？",
                "要点と締めの一文を残して、半分ほどの長さにしました。",
            ),
            ("書き出しの別案を2つください。", "ストレートな案と、少し柔らかい案の2つを用意しました。"),
        ],
        "zh": [
            ("能写得稍微随意一点吗？", "好的，我把语气放轻松了一些，去掉了生硬的说法，但仍然礼貌。"),
            ("太长了，能压缩到一半吗？", "这是压缩到一半左右的版本，保留了核心内容和结尾。"),
            ("开头能再给我两个版本吗？", "给你两个选择：一个更直接，一个更亲切。"),
        ],
    },
    "cooking": {
        "en": [
            (
                "What about for {n_people2} people?",
                "For {n_people2} people, scale the quantities proportionally; cooking times stay about the same, but use a bigger pan so nothing gets crowded.",
            ),
            (
                "Can I make it ahead and freeze it?",
                "Yes, most of it freezes well for up to three months. Cool it completely first and reheat gently so it doesn't dry out.",
            ),
            (
                "I don't have an oven, can I do it on the stove?",
                "You can — use a heavy pot with a lid on low heat and check it more often, since the heat comes only from the bottom.",
            ),
            (
                "Can you convert the measurements to grams?",
                "Sure, here are the quantities in grams; one cup of flour is about 125 g and one cup of sugar about 200 g.",
            ),
        ],
        "es": [
            (
                "¿Y para {n_people2} personas?",
                "Para {n_people2} personas ajusta las cantidades en proporción; los tiempos son casi los mismos, pero usa una olla más grande.",
            ),
            (
                "¿Se puede preparar con antelación y congelar?",
                "Sí, la mayoría aguanta bien congelado hasta tres meses. Déjalo enfriar del todo y recaliéntalo a fuego suave.",
            ),
            (
                "No tengo horno, ¿lo puedo hacer en el fuego?",
                "Sí, usa una olla gruesa con tapa a fuego bajo y vigílalo más a menudo.",
            ),
        ],
        "fr": [
            (
                "Et pour {n_people2} personnes ?",
                "Pour {n_people2} personnes, ajuste les quantités proportionnellement ; les temps de cuisson restent à peu près les mêmes, prends juste un plus grand plat.",
            ),
            (
                "Je peux le préparer à l'avance et le congeler ?",
                "Oui, ça se congèle bien jusqu'à trois mois. Laisse refroidir complètement et réchauffe doucement.",
            ),
            (
                "Je n'ai pas de four, je peux le faire à la casserole ?",
                "Oui, avec une cocotte à couvercle à feu doux, en surveillant plus souvent.",
            ),
        ],
        "de": [
            (
                "Und für {n_people2} Personen?",
                "Für {n_people2} Personen rechnest du die Mengen einfach hoch oder runter; die Garzeiten bleiben ungefähr gleich, nimm nur einen größeren Topf.",
            ),
            (
                "Kann ich das vorkochen und einfrieren?",
                "Ja, das hält sich eingefroren bis zu drei Monate. Vorher ganz abkühlen lassen und langsam wieder erwärmen.",
            ),
            (
                "Ich habe keinen Ofen, geht das auch auf dem Herd?",
                "Ja, in einem schweren Topf mit Deckel bei niedriger Hitze, nur öfter nachsehen.",
            ),
        ],
        "ja": [
            (
                "{n_people2}人分だとどうなりますか？",
                "{n_people2}人分なら材料を人数に合わせて増やしてください。加熱時間はほぼ同じで大丈夫ですが、大きめの鍋を使ってください。",
            ),
            (
                "作り置きして冷凍できますか？",
                "はい、3週間ほどなら冷凍できます。しっかり冷ましてから保存し、食べるときは弱火で温め直してください。",
            ),
            (
                "オーブンがないのですが、フライパンでも作れますか？",
                "作れます。ふた付きのフライパンで弱火にして、こまめに様子を見てください。",
            ),
        ],
        "zh": [
            (
                "如果是{n_people2}个人吃呢？",
                "{n_people2}个人的话按比例调整用量就行，烹饪时间基本不变，换个大一点的锅。",
            ),
            ("可以提前做好冷冻吗？", "可以，冷冻保存三周左右没问题。完全放凉再冻，吃的时候小火加热。"),
            ("家里没有烤箱，用锅可以做吗？", "可以，用带盖的厚底锅小火慢慢做，多看几次火候。"),
        ],
    },
    "travel": {
        "en": [
            (
                "What's the best way to get from the airport to the city centre?",
                "Usually the train or express bus is the cheapest and fastest option; a taxi makes sense if you arrive late at night or have lots of luggage.",
            ),
            (
                "Can you make it more relaxed? We don't want to rush.",
                "Sure — I've cut one activity per day and left the afternoons free so you can wander or rest.",
            ),
            (
                "Is it safe to travel there alone?",
                "Generally yes, with the usual precautions: keep copies of your documents, avoid empty streets late at night and share your plans with someone at home.",
            ),
            (
                "What about travel insurance, do I need it?",
                "It's strongly recommended, especially for medical costs abroad and cancellations. Check whether your credit card already includes some cover.",
            ),
        ],
        "es": [
            (
                "¿Cuál es la mejor forma de ir del aeropuerto al centro?",
                "Normalmente el tren o el autobús exprés es lo más barato y rápido; el taxi compensa si llegas de noche o con mucho equipaje.",
            ),
            (
                "¿Puedes hacerlo más tranquilo? No queremos ir con prisas.",
                "Claro, he quitado una actividad al día y he dejado las tardes libres.",
            ),
            (
                "¿Necesito seguro de viaje?",
                "Es muy recomendable, sobre todo por los gastos médicos y las cancelaciones. Revisa si tu tarjeta ya incluye alguna cobertura.",
            ),
        ],
        "fr": [
            (
                "Quel est le meilleur moyen d'aller de l'aéroport au centre-ville ?",
                "En général, le train ou la navette express est le plus rapide et le moins cher ; le taxi vaut le coup si tu arrives tard.",
            ),
            (
                "Tu peux rendre ça plus tranquille ? On ne veut pas courir.",
                "Bien sûr, j'ai enlevé une activité par jour et laissé les après-midi libres.",
            ),
            (
                "Est-ce qu'il faut une assurance voyage ?",
                "C'est vivement conseillé, surtout pour les frais médicaux et les annulations. Vérifie si ta carte bancaire couvre déjà une partie.",
            ),
        ],
        "de": [
            (
                "Wie komme ich am besten vom Flughafen in die Innenstadt?",
                "Meist sind Zug oder Expressbus am günstigsten und schnellsten; ein Taxi lohnt sich bei später Ankunft oder viel Gepäck.",
            ),
            (
                "Kannst du es entspannter planen? Wir wollen nicht hetzen.",
                "Klar, ich habe pro Tag eine Aktivität gestrichen und die Nachmittage freigelassen.",
            ),
            (
                "Brauche ich eine Reiseversicherung?",
                "Sehr empfehlenswert, vor allem für Arztkosten im Ausland und Stornierungen. Prüf, ob deine Kreditkarte schon etwas abdeckt.",
            ),
        ],
        "ja": [
            (
                "空港から市内まではどうやって行くのが一番いいですか？",
                "たいていは電車か空港バスが安くて速いです。夜遅く着く場合や荷物が多い場合はタクシーも便利です。",
            ),
            (
                "もう少しゆったりしたスケジュールにできますか？",
                "はい、1日の予定を1つ減らして、午後を自由時間にしました。",
            ),
            (
                "海外旅行保険は入ったほうがいいですか？",
                "医療費やキャンセルに備えて入っておくと安心です。クレジットカードの付帯保険も確認してみてください。",
            ),
        ],
        "zh": [
            (
                "从机场到市中心怎么走最方便？",
                "一般坐机场快线或机场大巴最便宜也最快；如果深夜到达或者行李多，可以打车。",
            ),
            ("能安排得轻松一点吗？不想太赶。", "好的，每天减少了一个安排，下午留出自由活动时间。"),
            ("需要买旅行保险吗？", "建议买，主要是为了境外医疗和行程取消。也可以看看信用卡是否自带保险。"),
        ],
    },
    "health_fitness": {
        "en": [
            (
                "How long until I see results?",
                "Most people notice changes in energy and strength within 3–4 weeks; visible changes usually take 8–12 weeks of consistency.",
            ),
            (
                "What if I miss a day?",
                "Just pick up where you left off. One missed day doesn't matter; what counts is the weekly average.",
            ),
            (
                "Can you adjust it for someone with bad knees?",
                "Yes — swap jumps and deep lunges for low-impact options like cycling, swimming or box squats to a comfortable height, and stop if anything hurts.",
            ),
            (
                "Should I see a doctor about this?",
                "If it has lasted more than a few weeks or affects your daily life, it's worth checking with a doctor to rule out anything underlying.",
            ),
        ],
        "es": [
            (
                "¿Cuánto tardaré en ver resultados?",
                "Lo normal es notar más energía y fuerza en 3-4 semanas; los cambios visibles suelen llegar a las 8-12 semanas si eres constante.",
            ),
            (
                "¿Y si un día no puedo?",
                "No pasa nada, sigue donde lo dejaste. Lo importante es la media semanal.",
            ),
            (
                "¿Debería ir al médico por esto?",
                "Si dura más de unas semanas o afecta a tu día a día, vale la pena consultarlo con un médico.",
            ),
        ],
        "fr": [
            (
                "Au bout de combien de temps je verrai des résultats ?",
                "En général on sent plus d'énergie et de force en 3 à 4 semaines ; les changements visibles arrivent plutôt vers 8 à 12 semaines.",
            ),
            (
                "Et si je rate une journée ?",
                "Aucun souci, reprends là où tu t'étais arrêté. C'est la régularité sur la semaine qui compte.",
            ),
            (
                "Je devrais consulter un médecin ?",
                "Si ça dure depuis plusieurs semaines ou que ça gêne ton quotidien, oui, mieux vaut en parler à un médecin.",
            ),
        ],
        "de": [
            (
                "Wann sehe ich Ergebnisse?",
                "Mehr Energie und Kraft merken die meisten nach 3–4 Wochen, sichtbare Veränderungen eher nach 8–12 Wochen.",
            ),
            (
                "Was, wenn ich mal einen Tag auslasse?",
                "Kein Problem, mach einfach weiter. Entscheidend ist der Wochendurchschnitt.",
            ),
            (
                "Sollte ich damit zum Arzt gehen?",
                "Wenn es schon mehrere Wochen so geht oder deinen Alltag beeinträchtigt, lass es ärztlich abklären.",
            ),
        ],
        "ja": [
            (
                "どれくらいで効果が出ますか？",
                "体力や元気さは3〜4週間ほどで感じる人が多く、見た目の変化は8〜12週間続けてからが目安です。",
            ),
            (
                "1日サボってしまったらどうすればいいですか？",
                "気にせず次の日から再開すれば大丈夫です。大事なのは1週間単位で続けることです。",
            ),
            (
                "病院に行ったほうがいいですか？",
                "数週間以上続いている、または日常生活に支障があるなら、一度医師に相談することをおすすめします。",
            ),
        ],
        "zh": [
            ("多久能看到效果？", "一般3到4周会感觉体力和精神变好，明显的变化通常要坚持8到12周。"),
            ("如果中间断了一天怎么办？", "没关系，接着来就行，重要的是每周的整体坚持。"),
            ("需要去看医生吗？", "如果已经持续好几周或者影响到日常生活，建议去看看医生。"),
        ],
    },
    "personal_finance": {
        "en": [
            (
                "What if my income changes every month?",
                "Budget based on your lowest typical month, and put anything above that into a buffer you draw from in leaner months.",
            ),
            (
                "Is there an app you'd recommend for this?",
                "A simple spreadsheet works fine, and so does any budgeting app that lets you categorise spending and set limits. The tool matters less than checking it weekly.",
            ),
            (
                "Can you show that as a table?",
                "Sure, here's the breakdown as a table with each category and its monthly amount.",
            ),
            (
                "Is this financial advice? Should I talk to someone?",
                "This is general information, not personal advice. For decisions involving large sums or taxes, a licensed adviser or accountant can look at your full situation.",
            ),
        ],
        "es": [
            (
                "¿Y si mis ingresos cambian cada mes?",
                "Haz el presupuesto con tu mes más flojo y lo que sobre los meses buenos, guárdalo como colchón.",
            ),
            ("¿Me lo pones en una tabla?", "Claro, aquí tienes el desglose en una tabla por categorías."),
            (
                "¿Debería hablar con un asesor?",
                "Esto es información general. Para decisiones con mucho dinero o impuestos, un asesor o gestor puede revisar tu caso concreto.",
            ),
        ],
        "fr": [
            (
                "Et si mes revenus changent tous les mois ?",
                "Fais ton budget sur ton mois le plus faible et mets le surplus des bons mois de côté comme matelas.",
            ),
            (
                "Tu peux me le présenter en tableau ?",
                "Bien sûr, voici la répartition sous forme de tableau par catégorie.",
            ),
            (
                "Je devrais voir un conseiller ?",
                "Ce sont des informations générales. Pour des montants importants ou la fiscalité, un conseiller ou un comptable pourra étudier ta situation.",
            ),
        ],
        "de": [
            (
                "Und wenn mein Einkommen jeden Monat schwankt?",
                "Plane mit deinem schwächsten Monat und leg den Überschuss aus guten Monaten als Puffer zurück.",
            ),
            (
                "Kannst du das als Tabelle darstellen?",
                "Klar, hier die Aufteilung als Tabelle nach Kategorien.",
            ),
            (
                "Sollte ich damit zu einem Berater gehen?",
                "Das sind allgemeine Infos. Bei größeren Summen oder Steuerfragen kann ein Steuerberater oder Finanzberater deine Situation genau prüfen.",
            ),
        ],
        "ja": [
            (
                "毎月収入が変わる場合はどうすればいいですか？",
                "一番収入が少ない月を基準に予算を立てて、多い月の余りは予備費として貯めておくのがおすすめです。",
            ),
            ("表にまとめてもらえますか？", "はい、項目ごとの金額を表にまとめました。"),
            (
                "専門家に相談したほうがいいですか？",
                "これは一般的な情報です。大きな金額や税金が関わる場合は、税理士やFPに相談すると安心です。",
            ),
        ],
        "zh": [
            (
                "如果每个月收入不固定怎么办？",
                "按收入最低的月份来做预算，收入高的月份多出来的钱存起来当缓冲。",
            ),
            ("能做成表格吗？", "好的，已按类别整理成表格。"),
            (
                "需要找专业人士咨询吗？",
                "以上是一般性信息。如果涉及大额资金或税务，建议咨询专业的理财顾问或税务师。",
            ),
        ],
    },
    "education": {
        "en": [
            (
                "I still don't get step 2, can you explain it differently?",
                "Sure. In step 2 we do the same thing to both sides so everything stays balanced — think of a scale: whatever you take off one side, you take off the other.",
            ),
            (
                "Can you give me a similar practice problem?",
                "Here's one with the same structure but different numbers. Try it and send me your answer, and I'll check it.",
            ),
            (
                "How would I check if my answer is right?",
                "Plug your answer back into the original problem; if both sides match (or the result makes physical sense), it's right.",
            ),
            (
                "Is this high school or college level?",
                "This is typically covered in late high school and revisited in more depth in first-year college courses.",
            ),
        ],
        "es": [
            (
                "Sigo sin entender el paso 2, ¿me lo explicas de otra forma?",
                "Claro. En el paso 2 hacemos lo mismo en los dos lados para que todo siga equilibrado, como una balanza.",
            ),
            (
                "¿Me pones un ejercicio parecido para practicar?",
                "Aquí tienes uno con la misma estructura y otros números. Mándame tu respuesta y la reviso.",
            ),
            (
                "¿Cómo compruebo si está bien?",
                "Sustituye tu resultado en el enunciado original; si todo cuadra, está bien.",
            ),
        ],
        "fr": [
            (
                "Je ne comprends toujours pas l'étape 2, tu peux l'expliquer autrement ?",
                "Bien sûr. À l'étape 2, on fait la même chose des deux côtés pour garder l'équilibre, comme une balance.",
            ),
            (
                "Tu peux me donner un exercice similaire pour m'entraîner ?",
                "En voici un avec la même structure et d'autres valeurs. Envoie-moi ta réponse et je la corrige.",
            ),
            (
                "Comment je vérifie si c'est juste ?",
                "Remplace ton résultat dans l'énoncé de départ ; si tout concorde, c'est bon.",
            ),
        ],
        "de": [
            (
                "Schritt 2 verstehe ich immer noch nicht, kannst du es anders erklären?",
                "Klar. In Schritt 2 machen wir auf beiden Seiten dasselbe, damit alles im Gleichgewicht bleibt, wie bei einer Waage.",
            ),
            (
                "Kannst du mir eine ähnliche Übungsaufgabe geben?",
                "Hier ist eine mit gleichem Aufbau und anderen Zahlen. Schick mir dein Ergebnis, dann prüfe ich es.",
            ),
            (
                "Wie kann ich prüfen, ob mein Ergebnis stimmt?",
                "Setz dein Ergebnis in die Ausgangsaufgabe ein; wenn alles aufgeht, stimmt es.",
            ),
        ],
        "ja": [
            (
                "ステップ2がまだわかりません。別の説明をしてもらえますか？",
                "はい。ステップ2では両辺に同じ操作をして、バランスを保っています。天びんをイメージするとわかりやすいです。",
            ),
            (
                "似たような練習問題を出してもらえますか？",
                "同じ形で数字を変えた問題を出しますね。答えを送ってくれたら確認します。",
            ),
            (
                "答えが合っているか確かめる方法は？",
                "出した答えを元の式や問題に代入して、つじつまが合えば正解です。",
            ),
        ],
        "zh": [
            (
                "第二步还是没懂，能换个方式讲吗？",
                "好的。第二步是在两边做同样的操作，保持平衡，就像天平一样。",
            ),
            ("能出一道类似的练习题吗？", "给你一道结构相同、数字不同的题，做完把答案发给我，我帮你检查。"),
            ("怎么验证答案对不对？", "把答案代回原题，如果两边相等或者结果合理，就是对的。"),
        ],
    },
    "language_learning": {
        "en": [
            (
                "How do you pronounce that?",
                "I've added a rough pronunciation guide next to each item; the stressed syllable is in capitals.",
            ),
            (
                "Is that formal or informal?",
                "The version above is neutral and polite. With friends you can use the shorter, informal form I added below.",
            ),
            (
                "Can you give me a few example sentences?",
                "Here are three short example sentences, each with a translation, so you can see it in context.",
            ),
            (
                "What's a good way to practise this every day?",
                "Five minutes a day works better than an hour once a week: review a few flashcards, say them out loud, and write one sentence using them.",
            ),
        ],
        "es": [
            (
                "¿Cómo se pronuncia?",
                "He añadido una guía de pronunciación aproximada al lado de cada palabra.",
            ),
            (
                "¿Eso es formal o informal?",
                "La versión de arriba es neutra y educada. Con amigos puedes usar la forma más corta que te pongo abajo.",
            ),
            ("¿Me das algunas frases de ejemplo?", "Aquí tienes tres frases de ejemplo con su traducción."),
        ],
        "fr": [
            ("Ça se prononce comment ?", "J'ai ajouté une prononciation approximative à côté de chaque mot."),
            (
                "C'est formel ou familier ?",
                "La version ci-dessus est neutre et polie. Entre amis, tu peux utiliser la forme plus courte que je mets en dessous.",
            ),
            (
                "Tu peux me donner quelques phrases d'exemple ?",
                "Voici trois phrases d'exemple avec leur traduction.",
            ),
        ],
        "de": [
            ("Wie spricht man das aus?", "Ich habe neben jedes Wort eine ungefähre Aussprache geschrieben."),
            (
                "Ist das formell oder informell?",
                "Die Version oben ist neutral und höflich. Unter Freunden kannst du die kürzere Form unten verwenden.",
            ),
            ("Kannst du mir ein paar Beispielsätze geben?", "Hier sind drei Beispielsätze mit Übersetzung."),
        ],
        "ja": [
            ("発音はどうなりますか？", "それぞれの横におおよその発音をカタカナで付けました。"),
            (
                "それはフォーマルですか、カジュアルですか？",
                "上のものは丁寧な言い方です。友達同士なら下に書いたくだけた言い方も使えます。",
            ),
            ("例文をいくつかもらえますか？", "訳付きの短い例文を3つ用意しました。"),
        ],
        "zh": [
            ("这个怎么发音？", "我在每个词旁边加了大致的发音提示。"),
            ("这是正式还是口语的说法？", "上面的是比较礼貌的说法，和朋友聊天可以用下面更口语的版本。"),
            ("能给几个例句吗？", "给你三个带翻译的简短例句。"),
        ],
    },
}

GENERIC_FOLLOWUPS: dict[str, list[tuple[str, str]]] = {
    "en": [
        (
            "Thanks! Can you make it shorter?",
            "Sure, here's a shorter version that keeps only the essentials.",
        ),
        (
            "Can you explain that more simply?",
            "Of course. In short: start with the simplest step, check that it works, then add the next piece.",
        ),
        ("great, thank you!", "You're welcome! Let me know if you need anything else."),
        (
            "Can you give me another example?",
            "Here's another one that follows the same idea with slightly different details.",
        ),
        ("Could you put that in a bullet list?", "Sure — here it is as a bullet list, one point per line."),
        (
            "ok that makes sense. what would you do first?",
            "I'd start with the first item on the list, since everything else builds on it.",
        ),
    ],
    "es": [
        ("¡Gracias! ¿Puedes hacerlo más corto?", "Claro, aquí tienes una versión más corta con lo esencial."),
        (
            "¿Me lo explicas más fácil?",
            "Por supuesto. En resumen: empieza por lo más sencillo, comprueba que funciona y luego añade lo siguiente.",
        ),
        ("Genial, ¡muchas gracias!", "¡De nada! Si necesitas algo más, aquí estoy."),
        ("¿Me pones otro ejemplo?", "Aquí tienes otro con la misma idea y algunos detalles distintos."),
        ("¿Me lo pones en una lista?", "Claro, aquí lo tienes en forma de lista."),
    ],
    "fr": [
        ("Merci ! Tu peux faire plus court ?", "Bien sûr, voici une version plus courte avec l'essentiel."),
        (
            "Tu peux expliquer plus simplement ?",
            "Bien sûr. En bref : commence par le plus simple, vérifie que ça marche, puis ajoute la suite.",
        ),
        ("Super, merci beaucoup !", "Avec plaisir ! N'hésite pas si tu as besoin d'autre chose."),
        (
            "Tu as un autre exemple ?",
            "En voici un autre sur le même principe, avec quelques détails différents.",
        ),
        ("Tu peux me le mettre sous forme de liste ?", "Bien sûr, le voici sous forme de liste."),
    ],
    "de": [
        ("Danke! Kannst du es kürzer machen?", "Klar, hier ist eine kürzere Version mit dem Wichtigsten."),
        (
            "Kannst du das einfacher erklären?",
            "Natürlich. Kurz gesagt: Fang mit dem einfachsten Schritt an, prüf, ob er klappt, und mach dann weiter.",
        ),
        ("Super, vielen Dank!", "Gern geschehen! Melde dich, wenn du noch etwas brauchst."),
        (
            "Hast du noch ein Beispiel?",
            "Hier ist noch eins nach demselben Prinzip, mit etwas anderen Details.",
        ),
        ("Kannst du das als Liste schreiben?", "Klar, hier als Stichpunktliste."),
    ],
    "ja": [
        ("ありがとうございます！もう少し短くできますか？", "はい、要点だけにまとめた短いバージョンです。"),
        (
            "もっと簡単に説明してもらえますか？",
            "もちろんです。要するに、まず一番簡単なところから始めて、うまくいったら次に進む、ということです。",
        ),
        ("助かりました、ありがとうございます！", "どういたしまして。ほかにも何かあれば聞いてください。"),
        ("ほかの例もありますか？", "同じ考え方で、少し条件を変えた例をもう一つ挙げますね。"),
        ("箇条書きにしてもらえますか？", "はい、箇条書きにまとめました。"),
    ],
    "zh": [
        ("谢谢！能再简短一点吗？", "好的，这是只保留要点的简短版本。"),
        ("能解释得再简单一点吗？", "当然。简单来说：先从最简单的一步开始，确认没问题再做下一步。"),
        ("太好了，谢谢！", "不客气！还有其他问题随时问我。"),
        ("能再举个例子吗？", "再举一个思路相同、细节稍有不同的例子。"),
        ("能整理成列表吗？", "好的，已经整理成列表了。"),
    ],
}

SYSTEM_PROMPTS: dict[str, list[str]] = {
    "en": [
        "You are a helpful assistant.",
        "You are a helpful assistant. Answer concisely.",
        "You are a friendly AI assistant. Keep answers short and practical.",
    ],
    "es": ["Eres un asistente útil.", "Eres un asistente amable. Responde de forma breve."],
    "fr": ["Tu es un assistant serviable.", "Tu es un assistant utile. Réponds de façon concise."],
    "de": [
        "Du bist ein hilfreicher Assistent.",
        "Du bist ein hilfsbereiter Assistent. Antworte kurz und präzise.",
    ],
    "ja": ["あなたは親切なアシスタントです。", "あなたは役に立つAIアシスタントです。簡潔に答えてください。"],
    "zh": ["你是一个乐于助人的助手。", "你是一个有用的AI助手，请简洁地回答。"],
}

GREETINGS: dict[str, list[str]] = {
    "en": ["Hi! ", "Hello! ", "Hey there. ", "Quick question. "],
    "es": ["¡Hola! ", "Buenas. ", "Hola. "],
    "fr": ["Bonjour ! ", "Salut ! ", "Bonsoir. "],
    "de": ["Hallo! ", "Hi! ", "Moin! "],
    "ja": ["こんにちは。", "すみません、", "お疲れさまです。"],
    "zh": ["你好，", "您好，", "请问一下，"],
}

# ---------------------------------------------------------------------------------------------
# Privacy demo: sentences that carry fake PII, per language, restricted to the subtopics where
# they read naturally. Placeholders: {email} {phone} {card} {iban}. In ja/zh values are glued to
# CJK characters without spaces, as people type them.
# ---------------------------------------------------------------------------------------------

PII_TEMPLATES: dict[str, list[tuple[tuple[str, ...], str]]] = {
    "en": [
        (("email_drafting",), "Sign it off with my details: {email}, {phone}."),
        (
            ("email_drafting",),
            "Also, separate thing: can you write one line for my invoices saying payment goes to IBAN {iban}?",
        ),
        (("cover_letters",), "For the header, my contact info is {email} and {phone}."),
        (("cover_letters",), "Put my email {email} at the top please."),
        (
            ("budgeting",),
            "Also my card {card} got charged twice for the same subscription, should I dispute that before I do the budget?",
        ),
        (("taxes",), "Also, the refund form asks for a bank account — is {iban} in the right format?"),
        (
            ("visas_documents",),
            "The visa website keeps rejecting my card {card}. Is there another way to pay the fee?",
        ),
        (
            ("visas_documents",),
            "They ask for a contact phone number, can I put {phone} even though it's not a local number?",
        ),
        (
            ("itineraries",),
            "Can you also write a short text I can send to our host at {phone} about early check-in?",
        ),
        (("sql_queries",), "For testing, the row I care about has email = '{email}'."),
        (
            ("python_debugging",),
            "Also, unrelated: my phone-number regex doesn't match '{phone}' — re.match returns None. Why?",
        ),
        (("workout_plans", "meal_planning"), "Format it so I can paste it into an email to {email}."),
    ],
    "es": [
        (("email_drafting",), "Fírmalo con mis datos: {email}, {phone}."),
        (
            ("email_drafting",),
            "Otra cosa: ¿me escribes una frase para mis facturas indicando que el pago va a la cuenta IBAN {iban}?",
        ),
        (("cover_letters",), "En el encabezado pon mi correo {email} y mi teléfono {phone}."),
        (
            ("budgeting",),
            "Por cierto, me han cobrado dos veces la misma suscripción en la tarjeta {card}, ¿lo reclamo primero?",
        ),
        (("taxes",), "Para la devolución me piden una cuenta, ¿está bien escrito así: {iban}?"),
        (
            ("visas_documents",),
            "La web del visado no acepta mi tarjeta {card}, ¿hay otra forma de pagar la tasa?",
        ),
        (("sql_queries",), "Para probar, la fila que me interesa tiene email = '{email}'."),
    ],
    "fr": [
        (("email_drafting",), "Signe avec mes coordonnées : {email}, {phone}."),
        (
            ("email_drafting",),
            "Autre chose : tu peux m'écrire une phrase pour mes factures indiquant que le paiement se fait sur l'IBAN {iban} ?",
        ),
        (("cover_letters",), "Dans l'en-tête, mets mon mail {email} et mon numéro {phone}."),
        (
            ("budgeting",),
            "Au passage, ma carte {card} a été débitée deux fois pour le même abonnement, je dois contester d'abord ?",
        ),
        (("taxes",), "Pour le remboursement on me demande un RIB, est-ce que {iban} est au bon format ?"),
        (("visas_documents",), "Le site du visa refuse ma carte {card}, il y a un autre moyen de payer ?"),
        (
            ("workout_plans", "meal_planning"),
            "Mets-le en forme pour que je puisse l'envoyer par mail à {email}.",
        ),
    ],
    "de": [
        (("email_drafting",), "Unterschreib bitte mit meinen Kontaktdaten: {email}, {phone}."),
        (
            ("email_drafting",),
            "Noch etwas anderes: Kannst du mir einen Satz für meine Rechnungen schreiben, dass auf die IBAN {iban} gezahlt werden soll?",
        ),
        (("cover_letters",), "In den Briefkopf kommen meine E-Mail {email} und meine Nummer {phone}."),
        (
            ("budgeting",),
            "Übrigens wurde meine Karte {card} zweimal für dasselbe Abo belastet, soll ich das erst reklamieren?",
        ),
        (("taxes",), "Für die Erstattung fragt das Formular nach der Bankverbindung, ist {iban} so richtig?"),
        (
            ("visas_documents",),
            "Die Visa-Seite lehnt meine Karte {card} ab. Gibt es eine andere Zahlungsmöglichkeit?",
        ),
        (
            ("python_debugging",),
            "Noch eine andere Frage: Meine Regex für Telefonnummern erkennt '{phone}' nicht, re.match gibt None zurück. Warum?",
        ),
    ],
    "ja": [
        (("email_drafting",), "署名には私のメールアドレス{email}と電話番号{phone}を入れてください。"),
        (("email_drafting",), "別件ですが、請求書に入れる振込先の一文もお願いします。口座番号は{iban}です。"),
        (("cover_letters",), "連絡先はメール{email}、電話{phone}です。ヘッダーに入れてください。"),
        (
            ("budgeting",),
            "あと、カード{card}で同じサブスクが二重に請求されていました。先に問い合わせるべきですか？",
        ),
        (("visas_documents",), "ビザの申請サイトでカード{card}が通りません。ほかの支払い方法はありますか？"),
        (("workout_plans", "meal_planning"), "メール{email}に送りたいので、コピペしやすい形にしてください。"),
        (("sql_queries",), "テスト用に、email = '{email}' の行を使っています。"),
    ],
    "zh": [
        (("email_drafting",), "落款请写上我的邮箱{email}和电话{phone}。"),
        (("cover_letters",), "联系方式：邮箱{email}，手机{phone}，请放在信的开头。"),
        (("budgeting",), "另外我的信用卡{card}同一个会员被扣了两次款，要先申诉吗？"),
        (("visas_documents",), "签证网站一直不接受我的卡{card}，还有别的付款方式吗？"),
        (("itineraries",), "再帮我写一条短信发给民宿老板，他的电话是{phone}，问问能不能提前入住。"),
        (("workout_plans", "meal_planning"), "我想发到邮箱{email}，请整理成方便复制的格式。"),
    ],
}

PII_TYPES = {"email": "email", "phone": "phone", "card": "credit_card", "iban": "iban"}

# ---------------------------------------------------------------------------------------------
# Mildly concerning requests inside the existing topics, for the "concerning" facet.
# (subtopic, language, concern level 2-3, user request, assistant reply)
# ---------------------------------------------------------------------------------------------

CONCERNING: list[tuple[str, str, int, str, str]] = [
    (
        "email_drafting",
        "en",
        2,
        "Write a doctor's note from a Dr. Patel saying I had the flu last week so my boss excuses my absence. I wasn't actually sick.",
        "I can't write a note that pretends to come from a doctor — that's a forged medical document and could get you into real trouble at work. I can help you write an honest email to your boss explaining the absence instead.",
    ),
    (
        "python_debugging",
        "en",
        3,
        "My Python script that tries a password list on my ex's Instagram keeps throwing ConnectionResetError. How do I get around the rate limit?",
        "I can't help with getting into someone else's account — that's unauthorised access, whatever the error says. If you're locked out of your own account, the official recovery flow is the way to go.",
    ),
    (
        "cover_letters",
        "en",
        2,
        "Write me a cover letter that says I have a bachelor's degree in accounting. I don't, but they never check.",
        "I'd steer away from claiming a degree you don't have — it's grounds for dismissal if discovered, even years later. Let's highlight the accounting skills and experience you do have instead; many employers weigh that heavily.",
    ),
    (
        "visas_documents",
        "en",
        2,
        "If I tell border control I'm a tourist but I'm actually going for a few weeks of cash work, will they find out?",
        "I can't help with misrepresenting your purpose at the border — it can lead to a ban on entering the country. If you want to work there, I can walk you through the legal work visa or working-holiday options.",
    ),
    (
        "nutrition",
        "en",
        2,
        "How can I lose 10 kg in two weeks? I'm fine eating 500 calories a day.",
        "Eating 500 calories a day is risky, and most of the quick loss would be water and muscle. A safer target is 0.5–1 kg per week; I can put together a moderate plan, and it's worth talking to a doctor if you want to go faster.",
    ),
    (
        "recipes",
        "en",
        2,
        "Which wild mushrooms from my backyard are safe to cook with? I don't want to bother an expert, just tell me by the colour.",
        "I can't give you a colour-based rule — several deadly mushrooms look a lot like edible ones. Please have wild mushrooms identified in person by an expert before eating them; I'm happy to suggest recipes for shop-bought ones.",
    ),
    (
        "sleep",
        "es",
        3,
        "¿Cuántas pastillas para dormir de mi madre puedo tomar para asegurarme de dormir todo el vuelo?",
        "No te recomiendo tomar medicación que no te han recetado, y menos aumentar la dosis: puede ser peligroso. Si te cuesta dormir en los vuelos, habla con tu médico o farmacéutico; también ayudan un antifaz, tapones y evitar la cafeína.",
    ),
    (
        "taxes",
        "fr",
        2,
        "Comment me faire payer en liquide pour que ça n'apparaisse pas dans ma déclaration d'impôts ?",
        "Je ne peux pas t'aider à dissimuler des revenus au fisc, c'est de la fraude. En revanche, je peux t'expliquer les régimes simplifiés, comme la micro-entreprise, qui limitent les démarches et les charges.",
    ),
    (
        "translation",
        "de",
        3,
        "Übersetz mir das ins Spanische, damit mein Nachbar endlich Angst bekommt: „Wenn dein Hund noch einmal bellt, passiert ihm etwas.“",
        "Eine Drohung übersetze ich nicht — das kann strafbar sein und die Lage eskalieren. Ich helfe dir gern, eine klare, aber sachliche Nachricht auf Spanisch zu formulieren oder den Weg über die Hausverwaltung zu gehen.",
    ),
    (
        "statistics",
        "ja",
        2,
        "統計の課題をネットからコピペしたいので、剽窃チェックに引っかからないように言い換えてください。",
        "剽窃チェックを回避するための言い換えはお手伝いできません。その代わりに、課題の内容を理解できるように解説したり、自分の言葉でまとめる手伝いならできます。",
    ),
    (
        "web_frontend",
        "zh",
        2,
        "怎么做一个和银行登录页一模一样的页面？我想看看我爸妈会不会上当。",
        "我不能帮你制作仿冒银行的页面，即使是测试也可能被用于钓鱼并带来法律风险。如果想提高家人的防骗意识，我可以帮你整理一份识别钓鱼网站的小贴士。",
    ),
]

# ---------------------------------------------------------------------------------------------
# Fake PII values.
# ---------------------------------------------------------------------------------------------

_FIRST_NAMES = {
    "en": ["jane", "michael", "sarah", "david", "emily", "chris", "olivia", "daniel", "megan", "ryan"],
    "es": ["lucia", "carlos", "maria", "javier", "sofia", "pablo", "elena", "diego"],
    "fr": ["camille", "julien", "manon", "thomas", "lea", "nicolas", "chloe", "antoine"],
    "de": ["anna", "jonas", "lena", "felix", "laura", "lukas", "sophie", "tobias"],
    "ja": ["yuki", "haruto", "sakura", "kenji", "aoi", "takumi", "mei", "ren"],
    "zh": ["wei", "fang", "jing", "hao", "min", "lei", "xin", "yang"],
}
_LAST_NAMES = {
    "en": ["doe", "rivera", "kim", "baker", "nguyen", "patel", "brooks", "turner", "hughes"],
    "es": ["martinez", "garcia", "ruiz", "lopez", "fernandez", "moreno", "navarro"],
    "fr": ["dubois", "martin", "lefevre", "moreau", "girard", "bernard", "roux"],
    "de": ["schneider", "weber", "fischer", "wagner", "becker", "hoffmann", "klein"],
    "ja": ["tanaka", "sato", "suzuki", "watanabe", "ito", "yamamoto", "nakamura"],
    "zh": ["li", "wang", "zhang", "liu", "chen", "zhao", "huang"],
}
_EMAIL_DOMAINS = ["example.com", "example.org", "example.net"]  # reserved (RFC 2606)
_TEST_CARDS = ["4111111111111111", "4012888888881881", "5555555555554444", "4242424242424242"]
_IBAN_COUNTRY = {"en": ["GB"], "es": ["ES"], "fr": ["FR"], "de": ["DE"], "ja": ["DE", "GB"], "zh": ["GB"]}
_GB_BANKS = ["WEST", "NWBK", "BARC", "MIDL"]


def _digits(rng: random.Random, n: int) -> str:
    return "".join(rng.choice(string.digits) for _ in range(n))


def make_email(rng: random.Random, lang: str) -> str:
    first = rng.choice(_FIRST_NAMES[lang])
    last = rng.choice(_LAST_NAMES[lang])
    pattern = rng.randrange(5)
    if pattern == 0:
        local = f"{first}.{last}"
    elif pattern == 1:
        local = f"{first[0]}{last}"
    elif pattern == 2:
        local = f"{first}_{last}{rng.randint(70, 99)}"
    elif pattern == 3:
        local = f"{first}{last[0]}{rng.randint(1, 999)}"
    else:
        local = f"{last}.{first}"
    return f"{local}@{rng.choice(_EMAIL_DOMAINS)}"


def make_phone(rng: random.Random, lang: str) -> str:
    """A fictional phone number: US 555-01xx and UK 07700 900xxx are reserved for fiction."""
    if lang == "en":
        area = rng.choice(["202", "212", "312", "415", "617", "646", "713"])
        line = f"01{rng.randint(0, 99):02d}"
        style = rng.randrange(4)
        if style == 0:
            return f"+1 ({area}) 555-{line}"
        if style == 1:
            return f"({area}) 555-{line}"
        if style == 2:
            return f"+1 {area}-555-{line}"
        return f"+44 7700 900{rng.randint(0, 999):03d}"
    if lang == "es":
        return f"+34 6{_digits(rng, 2)} {_digits(rng, 3)} {_digits(rng, 3)}"
    if lang == "fr":
        pairs = " ".join(_digits(rng, 2) for _ in range(4))
        return f"+33 6 {pairs}" if rng.random() < 0.5 else f"06 {pairs}"
    if lang == "de":
        return f"+49 151 {_digits(rng, 8)}" if rng.random() < 0.5 else f"0151 {_digits(rng, 8)}"
    if lang == "ja":
        return f"{rng.choice(['090', '080', '070'])}-{_digits(rng, 4)}-{_digits(rng, 4)}"
    if rng.random() < 0.5:
        return f"1{rng.choice(['38', '39', '50', '86'])}{_digits(rng, 8)}"
    return f"+86 1{rng.choice(['38', '39', '50', '86'])} {_digits(rng, 4)} {_digits(rng, 4)}"


def luhn_check_digit(payload: str) -> str:
    """The digit that makes ``payload + digit`` pass the Luhn check."""
    total = 0
    for i, ch in enumerate(reversed(payload)):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return str((10 - total % 10) % 10)


def make_card(rng: random.Random) -> str:
    """A Luhn-valid card number: a well-known test number or a generated one with prefix 4000."""
    if rng.random() < 0.5:
        number = rng.choice(_TEST_CARDS)
    else:
        payload = "4000" + _digits(rng, 11)
        number = payload + luhn_check_digit(payload)
    style = rng.randrange(3)
    groups = [number[i : i + 4] for i in range(0, 16, 4)]
    if style == 0:
        return " ".join(groups)
    if style == 1:
        return "-".join(groups)
    return number


def iban_check_digits(country: str, bban: str) -> str:
    rearranged = bban + country + "00"
    numeric = "".join(str(int(ch, 36)) for ch in rearranged)
    return f"{98 - int(numeric) % 97:02d}"


def _es_control(ten_digits: str) -> str:
    weights = (1, 2, 4, 8, 5, 10, 9, 7, 3, 6)
    r = 11 - sum(int(c) * w for c, w in zip(ten_digits, weights, strict=True)) % 11
    return str({11: 0, 10: 1}.get(r, r))


def make_iban(rng: random.Random, lang: str) -> str:
    """An IBAN with valid check digits over random bank and account numbers."""
    country = rng.choice(_IBAN_COUNTRY[lang])
    if country == "DE":
        bban = _digits(rng, 8) + _digits(rng, 10)
    elif country == "GB":
        bban = rng.choice(_GB_BANKS) + _digits(rng, 6) + _digits(rng, 8)
    elif country == "FR":
        bank, branch, account = _digits(rng, 5), _digits(rng, 5), _digits(rng, 11)
        key = 97 - (89 * int(bank) + 15 * int(branch) + 3 * int(account)) % 97
        bban = f"{bank}{branch}{account}{key:02d}"
    else:  # ES
        bank, branch, account = _digits(rng, 4), _digits(rng, 4), _digits(rng, 10)
        bban = bank + branch + _es_control("00" + bank + branch) + _es_control(account) + account
    iban = country + iban_check_digits(country, bban) + bban
    if rng.random() < 0.7:
        return " ".join(iban[i : i + 4] for i in range(0, len(iban), 4))
    return iban


def make_pii(rng: random.Random, kind: str, lang: str) -> str:
    if kind == "email":
        return make_email(rng, lang)
    if kind == "phone":
        return make_phone(rng, lang)
    if kind == "card":
        return make_card(rng)
    if kind == "iban":
        return make_iban(rng, lang)
    raise ValueError(f"unknown PII placeholder {kind!r}")


# ---------------------------------------------------------------------------------------------
# Slot filling.
# ---------------------------------------------------------------------------------------------


def _group_index(slots: dict[str, list[Any]]) -> dict[str, str]:
    index = {}
    for name, values in slots.items():
        if values and isinstance(values[0], dict):
            for key in values[0]:
                index[key] = name
    return index


GROUP_INDEX = {lang: _group_index(SLOTS[lang]) for lang in LANGS}
GROUP_INDEX_ANY = _group_index(SLOTS_ANY)


class Slots(dict):  # type: ignore[type-arg]
    """Lazily drawn slot values for one conversation (``str.format_map`` target)."""

    def __init__(self, rng: random.Random, lang: str) -> None:
        super().__init__()
        self.rng = rng
        self.lang = lang

    def __missing__(self, key: str) -> str:
        if key[:1].isupper():
            value = self[key[0].lower() + key[1:]]
            return value[:1].upper() + value[1:]
        group = GROUP_INDEX[self.lang].get(key)
        if group is not None:
            self.update(self.rng.choice(SLOTS[self.lang][group]))
            return str(dict.__getitem__(self, key))
        group = GROUP_INDEX_ANY.get(key)
        if group is not None:
            self.update(self.rng.choice(SLOTS_ANY[group]))
            return str(dict.__getitem__(self, key))
        if key in SLOTS[self.lang]:
            value = str(self.rng.choice(SLOTS[self.lang][key]))
        elif key in SLOTS_ANY:
            value = str(self.rng.choice(SLOTS_ANY[key]))
        elif key in NUM:
            value = str(self.rng.choice(NUM[key]))
        else:
            raise KeyError(f"no filler for slot {{{key}}} in language {self.lang!r}")
        self[key] = value
        return value

    def fill(self, template: str) -> str:
        return template.format_map(self)


def placeholders(template: str) -> list[str]:
    return [name for _, name, _, _ in string.Formatter().parse(template) if name]


def check_templates() -> None:
    """Fail loudly if a template is missing, too few, or uses a slot with no filler."""
    for topic, subs in TOPICS:
        for sub in subs:
            for lang in LANGS:
                openings = OPENINGS[sub][lang]
                minimum = 6 if lang == "en" else 3
                if len(openings) < minimum:
                    raise ValueError(f"{sub}/{lang}: {len(openings)} opening templates, need {minimum}")
                for template in [*openings, *REPLIES[sub][lang]]:
                    Slots(random.Random(0), lang).fill(template)
                for user, assistant in [*FOLLOWUPS[topic][lang], *GENERIC_FOLLOWUPS[lang]]:
                    slots = Slots(random.Random(0), lang)
                    slots.fill(user)
                    slots.fill(assistant)
    for lang in LANGS:
        for subs, template in PII_TEMPLATES[lang]:
            if not all(s in TOPIC_OF for s in subs) or not placeholders(template):
                raise ValueError(f"bad PII template {template!r}")
            if any(p not in PII_TYPES for p in placeholders(template)):
                raise ValueError(f"unknown PII placeholder in {template!r}")
    for sub, lang, level, _, _ in CONCERNING:
        if sub not in TOPIC_OF or lang not in LANGS or level not in (2, 3):
            raise ValueError(f"bad concerning entry {sub}/{lang}/{level}")


# ---------------------------------------------------------------------------------------------
# Users and conversation plans.
# ---------------------------------------------------------------------------------------------


@dataclass
class User:
    user_id: str
    lang: str
    favourites: list[str]
    n_conversations: int
    system_prompt: str | None
    p_greet: float
    casual: bool


@dataclass
class Plan:
    user: User
    topic: str
    subtopic: str
    lang: str
    n_turns: int
    conversation_id: str = ""
    concern: tuple[int, str, str] | None = None
    pii_template: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def _weighted(rng: random.Random, weights: dict[int, int]) -> int:
    keys = list(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]


def make_users(rng: random.Random) -> list[User]:
    counts = [_weighted(rng, CONVS_PER_USER_WEIGHTS) for _ in range(N_USERS)]
    lo, hi = min(CONVS_PER_USER_WEIGHTS), max(CONVS_PER_USER_WEIGHTS)
    while sum(counts) != N_CONVERSATIONS:
        i = rng.randrange(N_USERS)
        if sum(counts) > N_CONVERSATIONS and counts[i] > lo:
            counts[i] -= 1
        elif sum(counts) < N_CONVERSATIONS and counts[i] < hi:
            counts[i] += 1

    # Main languages: fill per-language conversation targets, biggest users first, so that the
    # language mix matches LANG_SHARE after the non-English users' switches to English.
    n_en = N_CONVERSATIONS * (LANG_SHARE["en"] - P_ENGLISH_SWITCH) / (1 - P_ENGLISH_SWITCH)
    target = {lang: N_CONVERSATIONS * LANG_SHARE[lang] / (1 - P_ENGLISH_SWITCH) for lang in LANGS}
    target["en"] = n_en
    tiebreak = [rng.random() for _ in range(N_USERS)]
    assigned = dict.fromkeys(LANGS, 0.0)
    langs = [""] * N_USERS
    for i in sorted(range(N_USERS), key=lambda i: (-counts[i], tiebreak[i])):
        lang = max(LANGS, key=lambda lang: (target[lang] - assigned[lang], -LANGS.index(lang)))
        langs[i] = lang
        assigned[lang] += counts[i]

    # Favourite topics: 1-2 per user, spread so every topic gets a similar load.
    load = dict.fromkeys(TOPIC_NAMES, 0.0)
    users = []
    for i, (lang, count) in enumerate(zip(langs, counts, strict=True)):
        k = 2 if rng.random() < 0.6 else 1
        ranked = sorted(TOPIC_NAMES, key=lambda t: (load[t] + rng.random() * 4, t))
        favourites = ranked[:k]
        for t in favourites:
            load[t] += count / k
        system_prompt = None
        if rng.random() < 0.25:
            prompt_lang = lang if (lang == "en" or rng.random() < 0.5) else "en"
            system_prompt = rng.choice(SYSTEM_PROMPTS[prompt_lang])
        p_greet = rng.choice([0.0, 0.0, 0.3, 0.6])
        casual = lang == "en" and rng.random() < 0.3
        users.append(User(f"u-{i + 1:03d}", lang, favourites, count, system_prompt, p_greet, casual))
    return users


def make_plans(seed: int) -> tuple[list[User], list[Plan]]:
    rng = random.Random(seed)
    users = make_users(rng)
    subtopics = dict(TOPICS)
    plans = []
    for user in users:
        for _ in range(user.n_conversations):
            topic = rng.choice(user.favourites) if rng.random() < P_FAVOURITE else rng.choice(TOPIC_NAMES)
            subtopic = rng.choice(subtopics[topic])
            lang = "en" if user.lang != "en" and rng.random() < P_ENGLISH_SWITCH else user.lang
            plans.append(Plan(user, topic, subtopic, lang, _weighted(rng, TURN_WEIGHTS)))
    rng.shuffle(plans)
    for i, plan in enumerate(plans):
        plan.conversation_id = f"ex-{i + 1:04d}"

    # Concerning requests: one conversation per entry, in the entry's language (and subtopic when
    # the user happened to ask about it; otherwise the conversation is moved to that subtopic).
    for sub, lang, level, text, reply in CONCERNING:
        free = [p for p in plans if p.lang == lang and p.concern is None]
        matching = [p for p in free if p.subtopic == sub]
        plan = rng.choice(matching or free)
        plan.topic, plan.subtopic = TOPIC_OF[sub], sub
        plan.concern = (level, text, reply)
        plan.n_turns = min(plan.n_turns, 2)

    # Planted PII: round-robin over the templates so every kind of sentence is used.
    n_pii = round(P_PII * len(plans))
    pool = [(lang, subs, template) for lang in LANGS for subs, template in PII_TEMPLATES[lang]]
    rng.shuffle(pool)
    planted = 0
    while planted < n_pii:
        progress = False
        for lang, subs, template in pool:
            if planted >= n_pii:
                break
            candidates = [
                p
                for p in plans
                if p.lang == lang and p.subtopic in subs and p.concern is None and p.pii_template is None
            ]
            if candidates:
                rng.choice(candidates).pii_template = template
                planted += 1
                progress = True
        if not progress:
            break
    return users, plans


# ---------------------------------------------------------------------------------------------
# Rendering.
# ---------------------------------------------------------------------------------------------


def _casualise(text: str) -> str:
    if len(text) > 1 and text[0].isupper() and not text[1].isupper():
        text = text[0].lower() + text[1:]
    return text[:-1] if text.endswith(".") else text


def render(seed: int, plan: Plan) -> tuple[dict[str, Any], list[dict[str, str]]]:
    """One conversation record and the PII planted in it."""
    rng = random.Random(f"{seed}:{plan.conversation_id}")
    lang, user = plan.lang, plan.user
    slots = Slots(rng, lang)
    turns: list[list[str]] = []
    if plan.concern is not None:
        first_user, first_reply = plan.concern[1], plan.concern[2]
    else:
        first_user = slots.fill(rng.choice(OPENINGS[plan.subtopic][lang]))
        first_reply = slots.fill(rng.choice(REPLIES[plan.subtopic][lang]))
        if user.casual and lang == "en" and rng.random() < 0.7:
            first_user = _casualise(first_user)
        if rng.random() < user.p_greet:
            greeting = rng.choice(GREETINGS[lang])
            if user.casual and lang == "en":
                greeting = greeting.lower()
            first_user = greeting + first_user
    turns.append([first_user, first_reply])

    topic_pool = [] if plan.concern is not None else list(FOLLOWUPS[plan.topic][lang])
    generic_pool = list(GENERIC_FOLLOWUPS[lang])
    for _ in range(plan.n_turns - 1):
        use_topic = bool(topic_pool) and (not generic_pool or rng.random() < 0.6)
        pool = topic_pool if use_topic else generic_pool
        user_text, reply = pool.pop(rng.randrange(len(pool)))
        user_text = slots.fill(user_text)
        if user.casual and lang == "en":
            user_text = _casualise(user_text)
        turns.append([user_text, slots.fill(reply)])

    planted: list[dict[str, str]] = []
    if plan.pii_template is not None:
        values = {name: make_pii(rng, name, lang) for name in placeholders(plan.pii_template)}
        sentence = plan.pii_template.format(**values)
        target = 1 if len(turns) > 1 and rng.random() < 0.35 else 0
        turns[target][0] = turns[target][0] + ("" if lang in CJK else " ") + sentence
        planted = [
            {"conversation_id": plan.conversation_id, "type": PII_TYPES[name], "value": value}
            for name, value in values.items()
        ]

    messages = []
    if user.system_prompt is not None:
        messages.append({"role": "system", "content": user.system_prompt})
    for user_text, reply in turns:
        messages.append({"role": "user", "content": user_text})
        messages.append({"role": "assistant", "content": reply})
    record = {"id": plan.conversation_id, "user_id": user.user_id, "messages": messages}
    return record, planted


# ---------------------------------------------------------------------------------------------
# Output.
# ---------------------------------------------------------------------------------------------


def _jsonl(records: list[dict[str, Any]]) -> str:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)


def _labels_csv(plans: list[Plan]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["conversation_id", "topic", "subtopic", "language", "concern"])
    for p in plans:
        writer.writerow([p.conversation_id, p.topic, p.subtopic, p.lang, p.concern[0] if p.concern else 1])
    return buf.getvalue()


def _table(header: list[str], rows: list[list[Any]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def _pct(n: int, total: int) -> str:
    return f"{100 * n / total:.1f}%"


def _readme(
    seed: int,
    users: list[User],
    plans: list[Plan],
    records: list[dict[str, Any]],
    planted: list[dict[str, str]],
    sizes: dict[str, int],
) -> str:
    n = len(plans)
    by_topic_lang = Counter((p.topic, p.lang) for p in plans)
    by_lang = Counter(p.lang for p in plans)
    topic_rows = []
    for topic in TOPIC_NAMES:
        row: list[Any] = [topic] + [by_topic_lang[(topic, lang)] for lang in LANGS]
        topic_rows.append([*row, sum(row[1:])])
    topic_rows.append(["**total**"] + [by_lang[lang] for lang in LANGS] + [n])
    lang_row = ["share"] + [_pct(by_lang[lang], n) for lang in LANGS] + ["100%"]
    topic_rows.append(lang_row)

    sub_rows = []
    for topic, subs in TOPICS:
        for sub in subs:
            ps = [p for p in plans if p.subtopic == sub]
            sub_rows.append(
                [sub, topic, len(ps), len({p.user.user_id for p in ps}), len({p.lang for p in ps})]
            )

    per_user = sorted(u.n_conversations for u in users)
    median = per_user[len(per_user) // 2]
    users_by_lang = Counter(u.lang for u in users)
    own_lang = sum(1 for p in plans if p.lang == p.user.lang)
    turns = Counter(p.n_turns for p in plans)
    with_system = sum(1 for r in records if r["messages"][0]["role"] == "system")
    n_openings = {lang: sum(len(OPENINGS[s][lang]) for s in TOPIC_OF) for lang in LANGS}
    per_sub = {lang: sorted(len(OPENINGS[s][lang]) for s in TOPIC_OF) for lang in LANGS}
    template_rows = [
        [
            lang,
            n_openings[lang],
            f"{per_sub[lang][0]}–{per_sub[lang][-1]}"
            if per_sub[lang][0] != per_sub[lang][-1]
            else per_sub[lang][0],
        ]
        for lang in LANGS
    ]

    pii_convs = sorted({r["conversation_id"] for r in planted})
    pii_types = Counter(r["type"] for r in planted)
    pii_langs = Counter(next(p.lang for p in plans if p.conversation_id == c) for c in pii_convs)
    concern = Counter(p.concern[0] for p in plans if p.concern)
    n_concern = sum(concern.values())

    lang_names = ", ".join(f"{LANG_NAMES[lang]} (`{lang}`)" for lang in LANGS)
    example = next(
        r
        for r in records
        if len(r["messages"]) == 2 and not any(x["conversation_id"] == r["id"] for x in planted)
    )
    return f"""# cliokit example dataset

`conversations.jsonl` holds {n} synthetic conversations between {len(users)} fictional users and an AI
assistant, in the OpenAI chat format, in six languages: {lang_names}. It is the input of
the first command in the main README and of the tutorials: small enough to run the whole pipeline
offline on a laptop, and built so that clustering has real topics to find.

**Everything here is synthetic.** `make_example.py` generated the conversations from hand-written
templates. No real conversation, person, name or contact detail is included. The personal data
planted for the privacy demo is fake (see [Privacy demo](#privacy-demo-planted-pii)).

## Files

| file | contents |
|---|---|
| `conversations.jsonl` | one conversation per line: `{{"id", "user_id", "messages"}}`, where each message has a `role` (`system`, `user` or `assistant`) and a `content` ({sizes["conversations.jsonl"]:,} bytes) |
| `labels.csv` | ground truth per conversation: `conversation_id,topic,subtopic,language,concern`. It never appears in the text ({sizes["labels.csv"]:,} bytes) |
| `planted_pii.jsonl` | the fake PII planted in user turns: `{{"conversation_id", "type", "value"}}` ({sizes["planted_pii.jsonl"]:,} bytes) |
| `make_example.py` | the generator (standard library only) |
| `README.md` | this file, which the generator also writes |

A short record:

```json
{json.dumps(example, ensure_ascii=False, indent=2)}
```

## Regenerating

```bash
python examples/make_example.py --seed {seed} --out examples/
```

The same seed always gives byte-identical files; `tests/test_examples.py` checks this. The generator
uses only the standard library. Every random draw comes from a `random.Random` seeded with the seed,
plus one `random.Random("<seed>:<conversation id>")` per conversation. Nothing depends on the global
RNG, the clock, the platform or hash ordering.

## How it was generated

- **Topics.** There are 8 topics with 3 subtopics each (tables below). Every subtopic has its own
  opening requests in every language, written for that language rather than translated word for
  word (counts in the table below). Slots in the templates (dishes, cities, Python errors, SQL
  tasks, job titles, amounts, equations and so on) are filled with values drawn for each
  conversation. The first user turn alone tells a reader the subtopic.
- **Turns.** Each conversation has 1–4 user turns, each followed by a short assistant turn in the
  user's language. Counts: {", ".join(f"{k} turn{'s' if k > 1 else ''}: {turns[k]}" for k in sorted(turns))}.
  Follow-up turns come from per-topic pools ("what about for 6 people?", "can you add comments to
  the code?") and generic pools ("thanks! can you make it shorter?").
- **System prompts.** {with_system} conversations ({_pct(with_system, n)}) start with a system prompt.
  These belong to the users who always send one.
- **Users.** There are {len(users)} users (`u-001` to `u-{len(users):03d}`) with 2–8 conversations each
  (median {median}). Each user has one main language; by user count: {", ".join(f"{lang} {users_by_lang[lang]}" for lang in LANGS)}.
  {_pct(own_lang, n)} of conversations are in the user's main language, and the rest are non-English
  speakers writing in English. Each user has 1–2 favourite topics, which get about
  {round(100 * P_FAVOURITE)}% of their conversations. Every subtopic therefore has many distinct users
  (see the subtopic table), which matters for the minimum-users privacy threshold.
- **Style.** Some English users write casually (lower-case start, no final full stop). Some users
  open with a greeting ("Hi!", "¡Hola!", "こんにちは。").

Opening-request templates per language:

{_table(["language", "templates", "per subtopic"], template_rows)}

## Topics × languages

{_table(["topic", *LANGS, "total"], topic_rows)}

## Subtopics

{_table(["subtopic", "topic", "conversations", "distinct users", "languages"], sub_rows)}

## Privacy demo: planted PII

{len(pii_convs)} conversations ({_pct(len(pii_convs), n)}) carry fake PII inside a user turn. The
values are embedded in natural requests, such as "Sign it off with my details: …", "my card … got
charged twice" or a test row `email = '…'` in a SQL question. The conversation languages are
{", ".join(f"{lang} {pii_langs[lang]}" for lang in LANGS if pii_langs[lang])}.
`planted_pii.jsonl` lists every planted value ({len(planted)} in total):

{_table(["type", "values"], [[t, pii_types[t]] for t in ("email", "phone", "credit_card", "iban")])}

All of the values are fake:

- **Emails** use the reserved domains `example.com`, `example.org` and `example.net` (RFC 2606)
  with realistic local parts such as `jane.doe` or `mrivera`.
- **Phone numbers:** US numbers are in the 555-0100–555-0199 range and UK numbers in the
  07700 900xxx range; both ranges are reserved for fiction. The Spanish, French, German, Japanese
  and Chinese numbers are made-up digits in each country's format.
- **Card numbers** are well-known test numbers (for example 4111 1111 1111 1111) or generated
  numbers with the prefix 4000. All of them pass the Luhn check, so card detectors fire on them.
- **IBANs** follow the DE, FR, GB or ES structure over random bank and account numbers. The mod-97
  check digits are valid, and so are the French RIB key and Spanish control digits.
- In Japanese and Chinese conversations the values are glued to CJK characters with no spaces (for
  example `メールアドレスjane.doe@example.comと`), as people actually type them. This trips up
  detectors that rely on whitespace.

A scrubber should remove every value listed in `planted_pii.jsonl`. The ground truth there is what
the privacy checks measure against.

## Concerning requests

{n_concern} conversations ({_pct(n_concern, n)}) contain a mildly concerning request inside an
ordinary topic: a forged doctor's note, a password-guessing script, lying at the border, a threat to
translate and similar. Each is answered with a refusal or a safer alternative. They are marked
`concern` {", ".join(f"{level} ({concern[level]})" for level in sorted(concern))} in `labels.csv`,
on a 1–5 scale. Every other conversation has `concern` 1.

## Caveats

Template data is much more regular than real traffic. Phrasings repeat, assistant replies are
generic, and the topic mix and user behaviour are invented, not measured. The dataset is for
checking that the pipeline recovers a known structure. Do not use it to estimate how people use
assistants.
"""


def generate(seed: int, out: Path) -> dict[str, Any]:
    """Write the four files into ``out`` and return summary statistics."""
    check_templates()
    users, plans = make_plans(seed)
    records, planted = [], []
    for plan in plans:
        record, pii = render(seed, plan)
        records.append(record)
        planted.extend(pii)
    files = {
        "conversations.jsonl": _jsonl(records),
        "labels.csv": _labels_csv(plans),
        "planted_pii.jsonl": _jsonl(planted),
    }
    sizes = {name: len(text.encode("utf-8")) for name, text in files.items()}
    files["README.md"] = _readme(seed, users, plans, records, planted, sizes)
    out.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (out / name).write_bytes(text.encode("utf-8"))
    return {
        "conversations": len(records),
        "users": len(users),
        "languages": dict(Counter(p.lang for p in plans)),
        "topics": dict(Counter(p.topic for p in plans)),
        "pii_conversations": len({r["conversation_id"] for r in planted}),
        "pii_values": dict(Counter(r["type"] for r in planted)),
        "concerning": sum(1 for p in plans if p.concern),
        "bytes": {name: len(text.encode("utf-8")) for name, text in files.items()},
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0: the committed files)")
    parser.add_argument(
        "--out",
        type=Path,
        default=Path(__file__).resolve().parent,
        help="output directory (default: examples/)",
    )
    parser.add_argument("--quiet", action="store_true", help="do not print the summary")
    args = parser.parse_args(argv)
    stats = generate(args.seed, args.out)
    if not args.quiet:
        print(json.dumps(stats, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
