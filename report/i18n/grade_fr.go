package i18n

// gradeFR is gradeEN in French; merged into the French catalogue.
var gradeFR = map[string]string{
	"grade.warning.no-traffic":           "aucun trafic de messagerie ni DNS dans les captures",
	"grade.warning.unreadable":           "illisible : {file} : {why}",
	"grade.warning.unreadable.feedback":  "{file} n'a pas pu être lu : {why}",
	"grade.warning.unreadable.item":      "{file} : {why}",
	"grade.warning.empty":                "illisible : {file} : fichier vide (0 octet)",
	"grade.warning.empty.feedback":       "{file} n'a pas pu être lu : fichier vide (0 octet)",
	"grade.warning.empty.item":           "{file} : fichier vide (0 octet)",
	"grade.warning.not-capture":          "illisible : {file} : ce n'est pas une capture pcap ou pcapng",
	"grade.warning.not-capture.feedback": "{file} n'a pas pu être lu : ce n'est pas une capture pcap ou pcapng (enregistrez-la avec Wireshark au format pcapng, ou avec tcpdump -w)",
	"grade.warning.not-capture.item":     "{file} : ce n'est pas une capture pcap ou pcapng",
	"grade.no-capture":                   "aucun fichier de capture",
	"grade.csv.legal":                    "COURRIEL USURPÉ ENVOYÉ À UN TIERS : {file} trame {frame} From {from} vers {to}",
}
