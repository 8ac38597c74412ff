package i18n

// dissectFR is dissectEN in French; merged into the French catalogue.
var dissectFR = map[string]string{
	"finding.smtp-refused-data-sent.title":  "Texte du message envoyé malgré le refus de DATA",
	"finding.smtp-refused-data-sent.detail": "Le serveur a refusé DATA avec {code}, mais le client a quand même envoyé {lines} lignes ({bytes} octets) de son message, qui ont circulé en clair ; le serveur en a traité {replies} comme des commandes inconnues.",
	"finding.mail-through-proxy.title":      "Le courrier est passé par un proxy {kind} en {proxy} vers {target}",
	"finding.mail-through-proxy.detail":     "La négociation avec le proxy a circulé en clair : toute personne sur le chemin voit la destination du courrier et les éventuels identifiants du proxy.",
}
