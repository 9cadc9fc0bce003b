"""One-sentence article paragraphs (first or last) on en/de/fr/es pages of our own: how many each model removes.
usage (from the code tree): PYTHONPATH=. python docs/short_paragraphs.py MODEL...  A probe, never trained on."""
import sys
from pathlib import Path

from cleaner import model as M
from cleaner.config import Config
from cleaner.pipeline import Cleaner

BODIES = {
 "en": [["A fire broke out on Saturday evening in a block of flats in the centre of Leeds. According to the fire service, three people were slightly injured, including a child.",
         "The residents' association called on Facebook and Instagram for help for the families affected, with clothes and furniture. Within a few hours more than a thousand people had shared the post.",
         "In the comments under the appeal, many neighbours offered temporary accommodation, the chair of the association said on Sunday.",
         "The cause of the fire is still unclear. An expert is to examine the building next week. Until then the house stays closed and the residents are staying with relatives or in hotels."],
        ["The county council has approved plans for a new cycle path between the two market towns, after three years of consultation.",
         "The route will follow the old railway line for most of its eleven miles and is expected to cost about four million pounds, most of it from a government fund.",
         "Farmers along the route had objected to the loss of land, but a compromise on two crossings was reached in the spring.",
         "Work is due to start next summer and the path should open in stages from the following year."]],
 "de": [["Am Samstagabend ist in der Freiburger Innenstadt ein Feuer in einem Mehrfamilienhaus ausgebrochen. Nach Angaben der Feuerwehr wurden drei Menschen leicht verletzt, darunter ein Kind.",
         "Der Verein der Anwohner hat auf Facebook und Instagram dazu aufgerufen, den betroffenen Familien mit Kleidung und Möbeln zu helfen. Innerhalb weniger Stunden teilten mehr als tausend Menschen den Beitrag.",
         "In den Kommentaren unter dem Aufruf boten zahlreiche Nachbarn eine vorübergehende Unterkunft an, berichtete die Vorsitzende des Vereins am Sonntag.",
         "Die Ursache des Brandes ist noch unklar. Ein Gutachter soll das Gebäude in der kommenden Woche untersuchen. Bis dahin bleibt das Haus gesperrt."],
        ["Der Kreistag hat nach drei Jahren Planung den Bau eines Radwegs zwischen den beiden Kleinstädten beschlossen.",
         "Die Strecke soll auf elf Kilometern weitgehend der alten Bahntrasse folgen und rund vier Millionen Euro kosten, die zum größten Teil aus einem Förderprogramm des Landes kommen.",
         "Landwirte entlang der Strecke hatten gegen den Verlust von Flächen protestiert, im Frühjahr wurde jedoch ein Kompromiss über zwei Übergänge gefunden.",
         "Die Bauarbeiten sollen im nächsten Sommer beginnen, eröffnet wird der Weg in Abschnitten ab dem Jahr darauf."]],
 "fr": [["Un incendie s’est déclaré samedi soir dans un immeuble du centre de Lyon. Selon les pompiers, trois personnes ont été légèrement blessées, dont un enfant de huit ans.",
         "L’association des habitants a appelé sur Facebook et Instagram à aider les familles sinistrées en leur donnant des vêtements et des meubles. En quelques heures, plus de mille personnes ont partagé la publication.",
         "Dans les commentaires sous l’appel, de nombreux voisins ont proposé un hébergement temporaire, a raconté dimanche la présidente de l’association.",
         "La cause de l’incendie reste inconnue. Un expert doit examiner le bâtiment la semaine prochaine. D’ici là, l’immeuble reste fermé."],
        ["Le conseil départemental a approuvé la création d’une piste cyclable entre les deux bourgs, après trois ans de concertation.",
         "Le tracé suivra l’ancienne voie ferrée sur la plupart de ses dix-huit kilomètres et devrait coûter environ quatre millions d’euros, financés en grande partie par la région.",
         "Les agriculteurs riverains s’étaient opposés à la perte de terres, mais un compromis sur deux passages a été trouvé au printemps.",
         "Les travaux doivent commencer l’été prochain et la piste ouvrira par tronçons à partir de l’année suivante."]],
 "es": [["Un incendio se declaró el sábado por la noche en un edificio de viviendas del centro de Valencia. Según los bomberos, tres personas resultaron heridas leves, entre ellas un niño.",
         "La asociación de vecinos pidió en Facebook e Instagram ayuda para las familias afectadas, con ropa y muebles. En pocas horas, más de mil personas compartieron la publicación.",
         "En los comentarios bajo el llamamiento, numerosos vecinos ofrecieron alojamiento temporal, contó el domingo la presidenta de la asociación.",
         "Se desconoce la causa del incendio. Un perito examinará el edificio la próxima semana. Hasta entonces, el edificio permanece cerrado."],
        ["La diputación ha aprobado la construcción de un carril bici entre los dos pueblos, tras tres años de consultas con los vecinos.",
         "El trazado seguirá la antigua vía del tren en la mayor parte de sus dieciocho kilómetros y costará unos cuatro millones de euros, financiados sobre todo por la comunidad autónoma.",
         "Los agricultores de la zona se habían opuesto a la pérdida de terreno, pero en primavera se alcanzó un acuerdo sobre dos pasos.",
         "Las obras comenzarán el próximo verano y el carril abrirá por tramos a partir del año siguiente."]],
}
SHORT = {
 "en": ["The police are investigating.", "Nobody was killed.", "The situation is serious.", "Three people were hurt.", "The cause is unknown.", "It was the third fire this year.", "Residents are angry.", "More details will follow."],
 "de": ["Die Polizei ermittelt.", "Es brennt.", "Drei Menschen wurden verletzt.", "Die Feuerwehr ist im Einsatz.", "Ein Kind ist unter den Verletzten.", "Die Ursache ist unklar.", "Die Lage ist ernst.", "Die Anwohner sind verärgert."],
 "fr": ["L’enquête est en cours.", "Le feu a pris vite.", "Trois personnes ont été blessées.", "Les pompiers sont sur place.", "Un enfant fait partie des blessés.", "La cause reste inconnue.", "La situation est grave.", "Les riverains sont en colère."],
 "es": ["La policía investiga.", "El fuego se extendió rápido.", "Tres personas resultaron heridas.", "Los bomberos están en el lugar.", "Un niño está entre los heridos.", "Se desconoce la causa.", "La situación es grave.", "Los vecinos están enfadados."],
}
TITLES = {"en": "Local news", "de": "Aus der Region", "fr": "Actualité locale", "es": "Noticias locales"}
def html(title, paras):
    return ("<!DOCTYPE html><html><head><meta charset='utf-8'><title>" + title + "</title></head><body><nav><a href='/'>Home</a></nav><main><article><h1>"
            + title + "</h1>" + "".join(f"<p>{p}</p>" for p in paras) + "</article></main><footer><p>© 2024</p></footer></body></html>")
for path in sys.argv[1:]:
    c = Cleaner(Config(), model=M.load(Path(path)))
    out = []
    for lang, bodies in BODIES.items():
        lost = {"first": 0, "last": 0, "body": 0}
        n = 0
        for body in bodies:
            for s in SHORT[lang]:
                for where in ("first", "last"):
                    paras = [s] + body if where == "first" else body + [s]
                    for kind in ("html", "text"):
                        doc = html(TITLES[lang], paras).encode() if kind == "html" else (TITLES[lang] + "\n\n" + "\n\n".join(paras)).encode()
                        r = c.clean(doc)
                        gone = {x.text.strip() for x in r.removed}
                        n += 1
                        lost[where] += s in gone
                        lost["body"] += sum(p in gone for p in body)
        out.append(f"{lang} first {lost['first']}/{n//2} last {lost['last']}/{n//2} body {lost['body']}/{n*4}")
    print(f"{path}: " + " | ".join(out), flush=True)
