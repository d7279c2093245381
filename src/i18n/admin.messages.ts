/**
 * What the administrator reads on the command line: backup, restore and `doctor`. Each problem
 * says what is wrong and what to do about it, in plain words.
 */
export const backupMessages = {
  'cli.backup-two-targets': { nl: 'Geef het doelbestand één keer: als FILE of met --out', en: 'Give the target file once: as FILE or with --out' },
  'bk.done-pg': { nl: 'Back-up gemaakt met pg_dump: {file} ({size})', en: 'Backup written with pg_dump: {file} ({size})' },
  'bk.no-key': {
    nl: 'Let op: er is nog geen sleutelbestand ({file}), dus er staat geen sleutel naast de back-up.',
    en: 'Note: there is no key file yet ({file}), so there is no key beside the backup.',
  },
  'bk.exists': { nl: 'Het bestand {file} bestaat al; kies een andere naam', en: 'The file {file} already exists; choose another name' },
  'bk.no-database': {
    nl: 'Er is geen database op {file}; controleer DATABASE_URL',
    en: 'There is no database at {file}; check DATABASE_URL',
  },
  'bk.not-leefklimaat': {
    nl: '{database} is geen Leefklimaat-database (de tabel kysely_migration ontbreekt); controleer DATABASE_URL',
    en: '{database} is not a Leefklimaat database (the table kysely_migration is missing); check DATABASE_URL',
  },
  'bk.pg-dump-missing': {
    nl: 'pg_dump is niet gevonden (niet in PATH en niet in /usr/lib/postgresql/*/bin). Installeer het (Debian: apt-get install postgresql-client) en probeer opnieuw, of maak de back-up zelf',
    en: 'pg_dump was not found (not on PATH and not in /usr/lib/postgresql/*/bin). Install it (Debian: apt-get install postgresql-client) and try again, or make the backup yourself',
  },
  'bk.pg-dump-by-hand': {
    nl: 'pg_dump vraagt zelf om het wachtwoord (of zet het in PGPASSWORD). Bewaar het sleutelbestand (.key) altijd bij de back-up',
    en: 'pg_dump asks for the password itself (or put it in PGPASSWORD). Always keep the key file (.key) with the backup',
  },
  'bk.pg-dump-failed': { nl: 'pg_dump is mislukt; er is geen back-up gemaakt', en: 'pg_dump failed; no backup was written' },
  'bk.failed': { nl: 'De back-up naar {file} is mislukt; er is niets achtergebleven', en: 'The backup to {file} failed; nothing was left behind' },

  'rs.done': {
    nl: 'Teruggezet in {database}: {institutions} instelling(en), {rounds} ronde(s), {responses} antwoordlijst(en).',
    en: 'Restored into {database}: {institutions} institution(s), {rounds} round(s), {responses} response(s).',
  },
  'rs.migrated': { nl: 'Daarna bijgewerkt naar deze versie: {names}', en: 'Then migrated to this version: {names}' },
  'rs.key-installed': { nl: 'Sleutel van de server teruggezet: {file}', en: 'Server key put back: {file}' },
  'rs.key-same': { nl: 'De sleutel van de server stond er al (dezelfde): {file}', en: 'The server key was already in place (the same one): {file}' },
  'rs.without-key': {
    nl: 'Zonder sleutel teruggezet: codes die vóór de back-up zijn gedrukt werken niet meer.',
    en: 'Restored without a key: codes printed before the backup no longer work.',
  },
  'rs.no-such-file': { nl: 'De back-up {file} bestaat niet; er is niets veranderd', en: 'The backup {file} does not exist; nothing was changed' },
  'rs.no-file': { nl: 'De back-up {file} kan niet gelezen worden ({reason})', en: 'The backup {file} cannot be read ({reason})' },
  'rs.not-a-backup': {
    nl: '{file} is geen back-up van Leefklimaat; er is niets veranderd',
    en: '{file} is not a Leefklimaat backup; nothing was changed',
  },
  'rs.damaged': {
    nl: 'De back-up {file} is beschadigd of onvolledig; er is niets veranderd. Gebruik een andere back-up. ({reason})',
    en: 'The backup {file} is damaged or incomplete; nothing was changed. Use another backup. ({reason})',
  },
  'rs.sqlite-into-postgres': {
    nl: '{file} is een SQLite-back-up, maar DATABASE_URL wijst naar PostgreSQL; zet een back-up alleen terug in hetzelfde soort database',
    en: '{file} is a SQLite backup, but DATABASE_URL points to PostgreSQL; restore a backup only into the same kind of database',
  },
  'rs.postgres-into-sqlite': {
    nl: '{file} is een PostgreSQL-back-up (pg_dump), maar DATABASE_URL wijst naar een SQLite-bestand; zet een back-up alleen terug in hetzelfde soort database',
    en: '{file} is a PostgreSQL backup (pg_dump), but DATABASE_URL points to a SQLite file; restore a backup only into the same kind of database',
  },
  'rs.not-empty': {
    nl: 'De database {database} is niet leeg ({tables} tabel(len)); er is niets veranderd. Terugzetten kan alleen in een lege database, zodat er nooit iets overschreven wordt. Maak een nieuwe, lege database en zet DATABASE_URL daarop',
    en: 'The database {database} is not empty ({tables} table(s)); nothing was changed. Restore only into an empty database, so nothing is ever overwritten. Create a new, empty database and point DATABASE_URL at it',
  },
  'rs.target-unreadable': {
    nl: 'De database {database} kan niet gelezen worden; er is niets veranderd ({reason})',
    en: 'The database {database} cannot be read; nothing was changed ({reason})',
  },
  'rs.side-file': {
    nl: 'Naast de database staat nog {file} van een eerder gebruik; er is niets veranderd. Stop wat de database open heeft en verwijder dat bestand',
    en: '{file} is left beside the database from earlier use; nothing was changed. Stop whatever has the database open and remove that file',
  },
  'rs.memory': { nl: 'DATABASE_URL is :memory:; daarin kan niets teruggezet worden', en: 'DATABASE_URL is :memory:; nothing can be restored into it' },
  'rs.key-missing': {
    nl: 'Naast de back-up staat geen sleutelbestand ({file}); er is niets veranderd. Zet de sleutel die bij de back-up hoort daar neer. Is die echt kwijt? Gebruik dan --without-key: gedrukte codes van vóór de back-up werken dan niet meer',
    en: 'There is no key file beside the backup ({file}); nothing was changed. Put the key that belongs to the backup there. Is it really lost? Then use --without-key: codes printed before the backup will no longer work',
  },
  'rs.key-invalid': {
    nl: 'Het sleutelbestand {file} bevat geen geldige sleutel (64 hexadecimale tekens); er is niets veranderd',
    en: 'The key file {file} holds no valid key (64 hexadecimal characters); nothing was changed',
  },
  'rs.key-differs': {
    nl: 'Er staat al een andere sleutel in {configured} dan in {file}; er is niets veranderd. Codes die met de oude sleutel zijn gedrukt, werken niet meer als die vervangen wordt; codes uit de back-up werken alleen met de sleutel van de back-up. Verplaats de oude sleutel (en bewaar hem) of zet SECRET_FILE op een nieuwe plek, en probeer opnieuw',
    en: '{configured} already holds a different key than {file}; nothing was changed. Codes printed with the old key stop working if it is replaced; the backup\'s codes work only with the backup\'s key. Move the old key away (and keep it) or point SECRET_FILE elsewhere, and try again',
  },
  'rs.newer-version': {
    nl: 'Deze back-up komt van een nieuwere versie van Leefklimaat (onbekende migraties: {names}); werk Leefklimaat eerst bij',
    en: 'This backup comes from a newer version of Leefklimaat (unknown migrations: {names}); upgrade Leefklimaat first',
  },
  'rs.migrate-failed': {
    nl: 'De back-up staat in {database}, maar bijwerken naar deze versie is mislukt; probeer `leefklimaat migrate`',
    en: 'The backup is in {database}, but migrating it to this version failed; try `leefklimaat migrate`',
  },
  'rs.failed': { nl: 'Terugzetten van {file} is mislukt; er is niets veranderd', en: 'Restoring {file} failed; nothing was changed' },
  'rs.left-behind': {
    nl: 'In {database} is iets van de mislukte poging achtergebleven; maak de database leeg voor een nieuwe poging',
    en: 'Something of the failed attempt was left in {database}; empty the database before trying again',
  },
  'rs.pg-restore-missing': {
    nl: 'pg_restore is niet gevonden (niet in PATH en niet in /usr/lib/postgresql/*/bin). Installeer het (Debian: apt-get install postgresql-client) en probeer opnieuw, of zet de back-up zelf terug',
    en: 'pg_restore was not found (not on PATH and not in /usr/lib/postgresql/*/bin). Install it (Debian: apt-get install postgresql-client) and try again, or restore the backup yourself',
  },
  'rs.pg-restore-by-hand': {
    nl: 'Zet daarna de sleutel {key} op de plek van SECRET_FILE en voer `leefklimaat migrate` uit',
    en: 'Then put the key {key} where SECRET_FILE points and run `leefklimaat migrate`',
  },
} as const;

export const doctorMessages = {
  'dr.title': { nl: 'Leefklimaat doctor: controle van de installatie', en: 'Leefklimaat doctor: installation check' },
  'dr.section-config': { nl: 'Instellingen', en: 'Configuration' },
  'dr.section-database': { nl: 'Database', en: 'Database' },
  'dr.section-key': { nl: 'Sleutel van de server', en: 'Server key' },
  'dr.section-questionnaires': { nl: 'Vragenlijsten', en: 'Questionnaires' },
  'dr.section-chromium': { nl: 'Chromium (PDF-rapporten)', en: 'Chromium (PDF reports)' },
  'dr.label-ok': { nl: 'OK', en: 'OK' },
  'dr.label-warn': { nl: 'LET OP', en: 'WARNING' },
  'dr.label-fail': { nl: 'FOUT', en: 'FAIL' },
  'dr.label-skip': { nl: 'NIET GECONTROLEERD', en: 'NOT CHECKED' },
  'dr.fix': { nl: 'Oplossing', en: 'Fix' },
  'dr.all-ok': { nl: 'Alles in orde.', en: 'Everything is fine.' },
  'dr.summary': { nl: '{failures} fout(en), {warnings} waarschuwing(en).', en: '{failures} failure(s), {warnings} warning(s).' },
  'dr.skipped': { nl: 'niet gecontroleerd, want {names} is ongeldig', en: 'not checked, because {names} is invalid' },

  'dr.config-ok': { nl: 'alle instellingen zijn geldig', en: 'all settings are valid' },
  'dr.config-bad': { nl: '{name} heeft een ongeldige waarde; de server start zo niet', en: '{name} has an invalid value; the server will not start like this' },
  'dr.config-bad-fix': {
    nl: 'verbeter {name}, of haal de variabele weg voor de standaardwaarde (zie de tabel Configuration in de README)',
    en: 'correct {name}, or remove the variable to get the default (see the Configuration table in the README)',
  },
  'dr.public-url-ok': { nl: 'PUBLIC_URL is {url}', en: 'PUBLIC_URL is {url}' },
  'dr.public-url-http': {
    nl: 'PUBLIC_URL is {url}: geen https, terwijl het geen adres op deze computer is. Codes, wachtwoorden en antwoorden gaan dan onversleuteld over het netwerk',
    en: 'PUBLIC_URL is {url}: not https, while it is not an address on this computer. Codes, passwords and answers then travel over the network unencrypted',
  },
  'dr.public-url-http-fix': {
    nl: 'zet de server achter een proxy met TLS (https) en zet PUBLIC_URL op het https://-adres',
    en: 'put the server behind a proxy with TLS (https) and set PUBLIC_URL to the https:// address',
  },
  'dr.k-ok': { nl: 'ANONYMITY_K = {k}: uitkomsten van een groep pas vanaf {k} antwoordlijsten', en: 'ANONYMITY_K = {k}: a group\'s results only from {k} responses' },
  'dr.k-low': { nl: 'ANONYMITY_K = {k} is lager dan de standaard 5', en: 'ANONYMITY_K = {k} is lower than the default of 5' },
  'dr.k-low-fix': {
    nl: 'hoe lager k, hoe makkelijker één jongere te herkennen is; gebruik 5 tenzij er een goede reden is',
    en: 'the lower k, the easier one young person is to recognise; use 5 unless there is a good reason',
  },

  'dr.key-ok': { nl: '{file} is er, is een sleutel en alleen leesbaar voor de eigenaar', en: '{file} is present, holds a key and is readable by its owner only' },
  'dr.key-missing-new': {
    nl: '{file} is er nog niet; de server maakt hem bij de eerste start (er zijn geen gedrukte codes die hem nodig hebben)',
    en: '{file} is not there yet; the server creates it at first start (no printed codes need it)',
  },
  'dr.key-missing-codes': {
    nl: '{file} ontbreekt, terwijl er gedrukte codes zijn die nog niet gebruikt zijn: met een nieuwe sleutel werken die niet meer, en de server start niet',
    en: '{file} is missing while there are printed codes not used yet: with a new key they stop working, and the server will not start',
  },
  'dr.key-missing-unknown': {
    nl: '{file} ontbreekt, en de database kon niet gelezen worden om te zien of gedrukte codes hem nodig hebben',
    en: '{file} is missing, and the database could not be read to see whether printed codes need it',
  },
  'dr.key-missing-codes-fix': {
    nl: 'zet de sleutel uit de back-up terug (het bestand BACKUP.key) op {file}, of zet SECRET_FILE op de plek waar hij staat',
    en: 'put the key from the backup (the file BACKUP.key) back at {file}, or point SECRET_FILE to where it is',
  },
  'dr.key-unreadable': { nl: '{file} kan niet gelezen worden', en: '{file} cannot be read' },
  'dr.key-unreadable-fix': {
    nl: 'maak {file} leesbaar voor de gebruiker van de server (chown) en voor niemand anders (chmod 600 {file})',
    en: 'make {file} readable by the server\'s user (chown) and nobody else (chmod 600 {file})',
  },
  'dr.key-invalid': { nl: '{file} bevat geen geldige sleutel (64 hexadecimale tekens)', en: '{file} holds no valid key (64 hexadecimal characters)' },
  'dr.key-invalid-fix': {
    nl: 'zet de sleutel uit de back-up terug op {file}; maak er geen nieuwe, want dan werken gedrukte codes niet meer',
    en: 'put the key from the backup back at {file}; do not make a new one, or printed codes stop working',
  },
  'dr.key-world-readable': {
    nl: '{file} is leesbaar voor iedereen op deze computer; met de sleutel en een kopie van de database zijn ongebruikte codes te vinden',
    en: '{file} is readable by everyone on this computer; with the key and a copy of the database unused codes can be found',
  },
  'dr.key-group-readable': { nl: '{file} is leesbaar voor de groep van het bestand', en: '{file} is readable by the file\'s group' },
  'dr.key-mode-fix': { nl: 'chmod 600 {file}', en: 'chmod 600 {file}' },

  'dr.db-memory': { nl: 'DATABASE_URL is :memory:; er wordt niets bewaard', en: 'DATABASE_URL is :memory:; nothing is kept' },
  'dr.db-memory-fix': { nl: 'zet DATABASE_URL op een bestand of een PostgreSQL-URL', en: 'set DATABASE_URL to a file or a PostgreSQL URL' },
  'dr.db-missing': { nl: 'er is nog geen database op {file}', en: 'there is no database at {file} yet' },
  'dr.db-missing-fix': {
    nl: 'voer `leefklimaat migrate` uit (of start de server één keer); of controleer DATABASE_URL als de database ergens anders staat',
    en: 'run `leefklimaat migrate` (or start the server once); or check DATABASE_URL if the database is somewhere else',
  },
  'dr.db-unwritable': { nl: '{file} is niet schrijfbaar', en: '{file} is not writable' },
  'dr.db-unwritable-fix': {
    nl: 'geef de gebruiker van de server schrijfrecht op {file} (chown), ook op de map: SQLite zet er tijdelijke bestanden naast',
    en: 'give the server\'s user write access to {file} (chown), also to its folder: SQLite keeps temporary files beside it',
  },
  'dr.db-unopenable': { nl: '{database} kan niet geopend worden als database', en: '{database} cannot be opened as a database' },
  'dr.db-damaged': { nl: '{file} is beschadigd', en: '{file} is damaged' },
  'dr.db-restore-fix': {
    nl: 'controleer DATABASE_URL; is het de goede database, zet dan de laatste back-up terug in een lege database (`leefklimaat restore BACKUP`)',
    en: 'check DATABASE_URL; if it is the right database, restore the latest backup into an empty database (`leefklimaat restore BACKUP`)',
  },
  'dr.db-sqlite-ok': { nl: 'SQLite-bestand {file}: schrijfbaar en heel', en: 'SQLite file {file}: writable and whole' },
  'dr.db-wal-ok': { nl: 'WAL staat aan: de server kan schrijven terwijl er gelezen wordt', en: 'WAL is on: the server can write while others read' },
  'dr.db-wal-off': { nl: 'WAL staat nog niet aan', en: 'WAL is not on yet' },
  'dr.db-wal-off-fix': { nl: 'de server zet het aan bij de volgende start, of voer `leefklimaat migrate` uit', en: 'the server turns it on at its next start, or run `leefklimaat migrate`' },
  'dr.db-pg-ok': { nl: 'verbonden met {database} (PostgreSQL {version})', en: 'connected to {database} (PostgreSQL {version})' },
  'dr.db-pg-login': { nl: 'PostgreSQL weigert de gebruiker of het wachtwoord van {database}', en: 'PostgreSQL refuses the user or password of {database}' },
  'dr.db-pg-login-fix': { nl: 'controleer de gebruikersnaam en het wachtwoord in DATABASE_URL', en: 'check the user name and password in DATABASE_URL' },
  'dr.db-pg-no-database': { nl: 'de database in {database} bestaat niet', en: 'the database in {database} does not exist' },
  'dr.db-pg-no-database-fix': {
    nl: 'controleer de naam in DATABASE_URL, of maak de database: createdb -O {user} {name}',
    en: 'check the name in DATABASE_URL, or create the database: createdb -O {user} {name}',
  },
  'dr.db-pg-unreachable': { nl: 'geen verbinding met {database}', en: 'cannot connect to {database}' },
  'dr.db-pg-unreachable-fix': {
    nl: 'draait PostgreSQL op {host}:{port}, en mag deze computer erbij? Controleer host en poort in DATABASE_URL',
    en: 'is PostgreSQL running at {host}:{port}, and may this computer reach it? Check the host and port in DATABASE_URL',
  },
  'dr.db-pg-temp-ok': { nl: 'een tijdelijke tabel maken lukt', en: 'creating a temporary table works' },
  'dr.db-pg-temp': { nl: 'de gebruiker mag geen tijdelijke tabel maken in {database}', en: 'the user may not create a temporary table in {database}' },
  'dr.db-pg-temp-fix': { nl: 'GRANT TEMPORARY, CREATE ON DATABASE <naam> TO <gebruiker>;', en: 'GRANT TEMPORARY, CREATE ON DATABASE <name> TO <user>;' },
  'dr.pg-dump-ok': { nl: 'pg_dump voor back-ups: {program} ({version})', en: 'pg_dump for backups: {program} ({version})' },
  'dr.pg-dump-missing': { nl: 'pg_dump is niet gevonden; `leefklimaat backup` kan dan geen back-up maken', en: 'pg_dump was not found; `leefklimaat backup` cannot make a backup without it' },
  'dr.pg-dump-old': {
    nl: '{program} ({version}) is ouder dan de server (PostgreSQL {server}) en weigert een back-up',
    en: '{program} ({version}) is older than the server (PostgreSQL {server}) and refuses to make a backup',
  },
  'dr.pg-dump-fix': {
    nl: 'installeer de PostgreSQL-programma\'s van de versie van de server (Debian: apt-get install postgresql-client)',
    en: 'install PostgreSQL\'s programs of the server\'s version (Debian: apt-get install postgresql-client)',
  },
  'dr.db-empty': { nl: 'de database is leeg: nog niet ingericht', en: 'the database is empty: not set up yet' },
  'dr.db-foreign': {
    nl: 'de database heeft {tables} tabel(len), maar niet die van Leefklimaat: is het de goede database?',
    en: 'the database has {tables} table(s), but not Leefklimaat\'s: is it the right database?',
  },
  'dr.db-foreign-fix': { nl: 'controleer DATABASE_URL; gebruik voor Leefklimaat een eigen, lege database', en: 'check DATABASE_URL; give Leefklimaat a database of its own, empty at first' },
  'dr.db-newer': { nl: 'de database is van een nieuwere versie van Leefklimaat (onbekende migraties: {names})', en: 'the database belongs to a newer version of Leefklimaat (unknown migrations: {names})' },
  'dr.db-newer-fix': { nl: 'werk Leefklimaat bij naar die versie', en: 'upgrade Leefklimaat to that version' },
  'dr.db-pending': { nl: '{count} migratie(s) nog niet uitgevoerd: {names}', en: '{count} migration(s) not run yet: {names}' },
  'dr.migrate-fix': { nl: 'voer `leefklimaat migrate` uit (de server doet het ook bij de start)', en: 'run `leefklimaat migrate` (the server also does it when it starts)' },
  'dr.db-migrations-ok': { nl: 'schema bijgewerkt ({count} migraties)', en: 'schema up to date ({count} migrations)' },

  'dr.q-ok': { nl: '{count} vragenlijst(en) in orde: {keys}', en: '{count} questionnaire(s) valid: {keys}' },
  'dr.q-invalid': { nl: '{count} probleem/problemen in de vragenlijsten in {dir}; de server start zo niet', en: '{count} problem(s) in the questionnaires in {dir}; the server will not start like this' },
  'dr.q-invalid-fix': {
    nl: 'verbeter de bestanden op de genoemde plekken; `leefklimaat validate {dir}` controleert ze opnieuw',
    en: 'correct the files at the places named; `leefklimaat validate {dir}` checks them again',
  },
  'dr.q-changed': {
    nl: 'vragenlijst {key} ({file}) is veranderd nadat rondes hem gebruikten; de server start zo niet',
    en: 'questionnaire {key} ({file}) changed after rounds used it; the server will not start like this',
  },
  'dr.q-changed-fix': {
    nl: 'zet het bestand van {key} terug zoals het was, en bewaar de wijziging als een nieuwe versie (een nieuw bestand met een hoger versienummer)',
    en: 'put the file of {key} back as it was, and save the change as a new version (a new file with a higher version number)',
  },

  'dr.chromium-ok': { nl: '{path} start en maakt een PDF ({ms} ms)', en: '{path} starts and prints a PDF ({ms} ms)' },
  'dr.chromium-none': { nl: 'geen Chromium of Chrome gevonden; PDF-rapporten kunnen niet gemaakt worden', en: 'no Chromium or Chrome found; PDF reports cannot be made' },
  'dr.chromium-path-missing': { nl: 'CHROMIUM_PATH wijst naar {path}, maar dat bestaat niet', en: 'CHROMIUM_PATH points to {path}, but it does not exist' },
  'dr.chromium-broken': { nl: '{path} start niet als browser of maakt geen PDF', en: '{path} does not start as a browser or makes no PDF' },
  'dr.chromium-fix': {
    nl: 'installeer Chromium (Debian: apt-get install chromium), of zet CHROMIUM_PATH op het programma van Chromium of Chrome',
    en: 'install Chromium (Debian: apt-get install chromium), or set CHROMIUM_PATH to the Chromium or Chrome program',
  },
} as const;
