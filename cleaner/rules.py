"""Named high-precision rules: each looks at one block and returns a category or None.

Rules catch the stock strings of the web ("Leave a Reply", "Adblock Detected", a bare photo
credit) with certainty; the model decides everything else. They are combined with the model
in `decide`, nowhere else.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

Rule = Callable[[str], "str | None"]

_AGENCY = (
    r"(?:AP|AP Photo|Reuters|REUTERS|AFP|Getty Images|Getty|EPA|EPA-EFE|Shutterstock|Bloomberg|"
    r"ZUMAPRESS\.com|ZUMA Press|ZUMA Wire|dpa|PA|PA Images|PA Wire|Alamy|NurPhoto|Xinhua|ANP|"
    r"Anadolu|Sipa|SIPA|Sputnik|TASS|Pool|POOL|Handout|iStock|Unsplash)"
)
_CREDIT_ONLY = re.compile(
    rf"^(?:(?:photo|image|picture|credit|photograph|foto)s?(?: credit)?\s*[:|]\s*)?"
    rf"(?:[\w.'’\- ]{{0,40}}(?:/| via ))?{_AGENCY}(?:/[\w.'’\- ]{{1,40}})?\s*\)?$",
    re.I,
)
_CAPTION_CREDIT = re.compile(
    rf"(?<=[.!?”\"\)])\s+(?:[\w.'’\- ]{{0,40}}(?:/| via ))?{_AGENCY}(?:/[\w.'’\- ]{{1,40}})?$"
    rf"|\((?:photo|image|credit|picture)s?\s*(?:credit)?\s*[:|]?\s*[^)]{{2,60}}\)$",
    re.I,
)
# WordPress's comment form, in English and in its French, German, Spanish, Italian and
# Portuguese translations (the stock strings of its comment_form()).
_COMMENT_FORM = re.compile(
    r"^(?:leave a (?:reply|comment)|cancel reply|post (?:a )?comment|add a comment|"
    r"your email address will not be published|required fields are marked|"
    r"save my name, email,? and website|you must be logged in to post a comment|"
    r"laisser un commentaire|annuler la réponse|votre adresse (?:e-mail|de messagerie) ne sera pas publiée|"
    r"(?:schreibe|hinterlasse|hinterlassen sie) einen kommentar|antworten abbrechen|"
    r"(?:deine|ihre) e-mail-adresse wird nicht veröffentlicht|"
    r"dejar? un comentario|cancelar (?:la )?respuesta|"
    r"tu (?:dirección de )?correo electrónico no será publicad[oa]|"
    r"lascia un commento|annulla risposta|il tuo indirizzo email non sarà pubblicato|"
    r"deixe um comentário|o seu endereço de e-?mail não será publicado)",
    re.I,
)
_ADBLOCK = re.compile(
    r"\bad[- ]?block(?:er)?s? (?:detected|enabled)\b|\b(?:disable|deactivate|turn off|pause) your "
    r"(?:vpn or )?ad[- ]?block|\bwhitelist (?:our|this) (?:site|website)\b",
    re.I,
)
_ADVERTISEMENT = re.compile(r"^(?:advertisement|advertising|sponsored|sponsored content|ad)$", re.I)
_RELATED_HEADER = re.compile(
    r"^(?:more (?:from|on|stories from) [\w .&'’-]{2,40}|related(?: articles| stories| posts| coverage)?|"
    r"you (?:may|might) also like|recommended(?: for you| stories)?|read (?:more|next|also)|"
    r"trending(?: now| stories)?|most (?:read|popular|viewed)|also on [\w .&'’-]{2,40}|see also)\s*:?$",
    re.I,
)


# "Subscribe to our newsletter", as a line of its own starts it, in the languages the model knows.
_NEWSLETTER = re.compile(
    r"^(?:(?:sign up|subscribe)(?: now)? (?:to|for) our (?:free )?(?:daily |weekly )?newsletter|"
    r"unser newsletter\b|(?:abonnieren sie|bestellen sie) (?:jetzt )?unseren newsletter|"
    r"(?:abonnez-vous|inscrivez-vous) à notre (?:lettre d'information|newsletter)|"
    r"(?:suscríbete|suscríbase|apúntate) a nuestr[oa] (?:boletín|newsletter))",
    re.I,
)


def credit_line(text: str) -> str | None:
    """A line that is only a photo credit ("Reuters", "REUTERS/Marton Monus")."""
    return "caption" if len(text) <= 80 and _CREDIT_ONLY.match(text.strip()) else None


def caption_credit(text: str) -> str | None:
    """A sentence that ends in a photo credit ("… in Havana. AP")."""
    return "caption" if len(text) <= 400 and _CAPTION_CREDIT.search(text.strip()) else None


def comment_form(text: str) -> str | None:
    """The stock lines of a comment form.

    >>> comment_form("Laisser un commentaire. Votre adresse e-mail ne sera pas publiée.")
    'comments'
    >>> comment_form("Il a refusé de laisser un commentaire sur l'affaire.") is None
    True
    """
    return "comments" if len(text) <= 200 and _COMMENT_FORM.match(text.strip()) else None


def adblock_notice(text: str) -> str | None:
    """An ad-block notice."""
    return "notice" if len(text) <= 300 and _ADBLOCK.search(text) else None


def newsletter_prompt(text: str) -> str | None:
    """A prompt to subscribe to the site's newsletter.

    >>> newsletter_prompt("Abonnez-vous à notre newsletter et recevez l'essentiel chaque matin.")
    'social'
    >>> newsletter_prompt("The council said it would subscribe to our newsletter idea.") is None
    True
    """
    return "social" if len(text) <= 300 and _NEWSLETTER.match(text.strip()) else None


def advertisement_label(text: str) -> str | None:
    """An "Advertisement" label on its own line."""
    return "ad" if _ADVERTISEMENT.match(text.strip()) else None


def related_header(text: str) -> str | None:
    """A "More from …" or "Related" header line."""
    return "related" if len(text) <= 60 and _RELATED_HEADER.match(text.strip()) else None


#: Every rule by the name the report gives as its reason (`rule:<name>`).
RULES: dict[str, Rule] = {
    "credit-line": credit_line,
    "caption-credit": caption_credit,
    "comment-form": comment_form,
    "adblock-notice": adblock_notice,
    "newsletter-prompt": newsletter_prompt,
    "advertisement-label": advertisement_label,
    "related-header": related_header,
}


# Cached: every block is matched twice, as a model feature and again when deciding.
@lru_cache(maxsize=4096)
def first_match(text: str) -> tuple[str, str] | None:
    """The (rule name, category) of the first rule that fires on `text`, if any.

    >>> first_match("Leave a Reply")
    ('comment-form', 'comments')
    >>> first_match("The minister spoke to AP on Monday.") is None
    True
    """
    for name, rule in RULES.items():
        category = rule(text)
        if category:
            return name, category
    return None
