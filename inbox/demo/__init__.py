"""Demo data: a coffee roaster's social-care inbox in six languages (`manage.py demo`).

`world` holds the fixed cast (users, teams, labels, canned responses, one account per
channel), `conversations` the generator, `texts` the customers' words per language.
Everything is written through services, and running it again changes nothing.
"""
