/* Countries: lists write the same country as an ISO code, a UN formal name
 * ("Iran (Islamic Republic of)"), an inverted index form ("Korea, North"), a
 * demonym ("Azerbaijani"), a bilingual pair ("Belarus / Bélarus") or an old
 * name ("Libyan Arab Jamahiriya"). Everything is reduced to a key of
 * lowercase ASCII words and looked up in a hash table built once from the
 * table below. A build calls this ~100k times, so there is no ICU here: the
 * Latin letters lists actually use are folded by a small mapping of our own.
 *
 * Codes that do not fit in alpha-2 ISO (Kosovo, the Soviet Union, Yugoslavia,
 * Serbia and Montenegro, East Germany) use their user-assigned or exceptionally
 * reserved alpha-2 codes (xk, su, yu, cs, dd). */
#include "model.h"

#include <pthread.h>
#include <string.h>

typedef struct country {
    const char *alpha2, *alpha3, *name;
    /* Extra keys, already in key form (see make_key), separated by '|'. */
    const char *aliases;
} country;

static const country countries[] = {
    {"af", "afg", "Afghanistan", "afghan|afgan|afghani|islamic republic of afghanistan|islamic emirate of afghanistan"},
    {"ax", "ala", "Åland Islands", "aland"},
    {"al", "alb", "Albania", "albanian|republic of albania"},
    {"dz", "dza", "Algeria", "algerian|peoples democratic republic of algeria|algerie"},
    {"as", "asm", "American Samoa", "american samoan"},
    {"ad", "and", "Andorra", "andorran|principality of andorra"},
    {"ao", "ago", "Angola", "angolan|republic of angola"},
    {"ai", "aia", "Anguilla", "anguillan"},
    {"aq", "ata", "Antarctica", "antarctic"},
    {"ag", "atg", "Antigua and Barbuda", "antiguan|barbudan|antigua"},
    {"ar", "arg", "Argentina", "argentine|argentinian|argentinean|argentine republic"},
    {"am", "arm", "Armenia", "armenian|republic of armenia|armenie"},
    {"aw", "abw", "Aruba", "aruban"},
    {"au", "aus", "Australia", "australian|commonwealth of australia|australie"},
    {"at", "aut", "Austria", "austrian|republic of austria|autriche"},
    {"az", "aze", "Azerbaijan", "azerbaijani|azeri|azerbaidjan|republic of azerbaijan"},
    {"bs", "bhs", "Bahamas", "bahamian|commonwealth of the bahamas"},
    {"bh", "bhr", "Bahrain", "bahraini|kingdom of bahrain|bahrein"},
    {"bd", "bgd", "Bangladesh", "bangladeshi|peoples republic of bangladesh"},
    {"bb", "brb", "Barbados", "barbadian|bajan"},
    {"by", "blr", "Belarus", "belarusian|belarussian|belorussian|byelorussian|bielorussian|belarusan|"
                            "republic of belarus|byelorussia|belorussia|byelorussian ssr"},
    {"be", "bel", "Belgium", "belgian|kingdom of belgium|belgique"},
    {"bz", "blz", "Belize", "belizean"},
    {"bj", "ben", "Benin", "beninese|beninois|republic of benin|dahomey"},
    {"bm", "bmu", "Bermuda", "bermudian|bermudan"},
    {"bt", "btn", "Bhutan", "bhutanese|kingdom of bhutan"},
    {"bo", "bol", "Bolivia", "bolivian|plurinational state of bolivia|bolivia plurinational state of|bolivie"},
    {"bq", "bes", "Bonaire, Sint Eustatius and Saba", "bonaire|caribbean netherlands"},
    {"ba", "bih", "Bosnia and Herzegovina", "bosnian|herzegovinian|bosnia|bosnia herzegovina|bosnia and hercegovina|"
                                            "bosnie herzegovine"},
    {"bw", "bwa", "Botswana", "botswanan|motswana|batswana|republic of botswana"},
    {"bv", "bvt", "Bouvet Island", "bouvet"},
    {"br", "bra", "Brazil", "brazilian|federative republic of brazil|brasil|bresil"},
    {"io", "iot", "British Indian Ocean Territory", "chagos islands|chagos archipelago"},
    {"bn", "brn", "Brunei", "bruneian|brunei darussalam|nation of brunei"},
    {"bg", "bgr", "Bulgaria", "bulgarian|republic of bulgaria|bulgarie"},
    {"bf", "bfa", "Burkina Faso", "burkinabe|burkinese|burkina|upper volta"},
    {"bi", "bdi", "Burundi", "burundian|republic of burundi"},
    {"cv", "cpv", "Cabo Verde", "cape verde|cape verdean|cabo verdean|republic of cabo verde"},
    {"kh", "khm", "Cambodia", "cambodian|khmer|kingdom of cambodia|kampuchea|cambodge"},
    {"cm", "cmr", "Cameroon", "cameroonian|republic of cameroon|cameroun"},
    {"ca", "can", "Canada", "canadian"},
    {"ky", "cym", "Cayman Islands", "caymanian|cayman"},
    {"cf", "caf", "Central African Republic", "central african|car|republique centrafricaine|centrafrique"},
    {"td", "tcd", "Chad", "chadian|republic of chad|tchad"},
    {"cl", "chl", "Chile", "chilean|republic of chile|chili"},
    {"cn", "chn", "China", "chinese|peoples republic of china|prc|mainland china|chine"},
    {"cx", "cxr", "Christmas Island", "christmas islander"},
    {"cc", "cck", "Cocos (Keeling) Islands", "cocos islands|keeling islands"},
    {"co", "col", "Colombia", "colombian|republic of colombia|colombie"},
    {"km", "com", "Comoros", "comoran|comorian|union of the comoros|comores"},
    {"cg", "cog", "Congo", "republic of the congo|republic of congo|congo republic|congo brazzaville"},
    /* "Congolese" nationals on sanctions lists are overwhelmingly from the DRC. */
    {"cd", "cod", "Democratic Republic of the Congo", "drc|dr congo|d r congo|congo kinshasa|democratic republic of congo|"
                                                      "dem rep congo|congolese|zaire|zairean|zairian|rdc|"
                                                      "republique democratique du congo"},
    {"ck", "cok", "Cook Islands", "cook islander"},
    {"cr", "cri", "Costa Rica", "costa rican"},
    {"ci", "civ", "Côte d'Ivoire", "ivorian|ivory coast|cote d ivoire|republic of cote divoire"},
    {"hr", "hrv", "Croatia", "croatian|croat|republic of croatia|hrvatska|croatie"},
    {"cu", "cub", "Cuba", "cuban|republic of cuba"},
    {"cw", "cuw", "Curaçao", "curacaoan"},
    {"cy", "cyp", "Cyprus", "cypriot|republic of cyprus|chypre"},
    {"cz", "cze", "Czechia", "czech|czech republic|tcheque"},
    {"dk", "dnk", "Denmark", "danish|dane|kingdom of denmark|danemark"},
    {"dj", "dji", "Djibouti", "djiboutian|republic of djibouti"},
    {"dm", "dma", "Dominica", "commonwealth of dominica"},
    {"do", "dom", "Dominican Republic", "dominican|republique dominicaine"},
    {"ec", "ecu", "Ecuador", "ecuadorian|ecuadorean|republic of ecuador|equateur"},
    {"eg", "egy", "Egypt", "egyptian|arab republic of egypt|egypte"},
    {"sv", "slv", "El Salvador", "salvadoran|salvadorean|salvadorian|republic of el salvador"},
    {"gq", "gnq", "Equatorial Guinea", "equatoguinean|equatorial guinean|republic of equatorial guinea"},
    {"er", "eri", "Eritrea", "eritrean|state of eritrea|erythree"},
    {"ee", "est", "Estonia", "estonian|republic of estonia|estonie"},
    {"sz", "swz", "Eswatini", "swazi|swaziland|kingdom of eswatini|kingdom of swaziland"},
    {"et", "eth", "Ethiopia", "ethiopian|federal democratic republic of ethiopia|ethiopie"},
    {"fk", "flk", "Falkland Islands", "falkland islander|falklands|falkland islands malvinas|malvinas"},
    {"fo", "fro", "Faroe Islands", "faroese|faroes|faeroe islands|faeroese"},
    {"fj", "fji", "Fiji", "fijian|republic of fiji"},
    {"fi", "fin", "Finland", "finnish|finn|republic of finland|suomi|finlande"},
    {"fr", "fra", "France", "french|french republic"},
    {"gf", "guf", "French Guiana", "french guianese|guyane"},
    {"pf", "pyf", "French Polynesia", "french polynesian"},
    {"tf", "atf", "French Southern Territories", "french southern and antarctic lands"},
    {"ga", "gab", "Gabon", "gabonese|gabonese republic"},
    {"gm", "gmb", "Gambia", "gambian|republic of the gambia|gambie"},
    {"ge", "geo", "Georgia", "georgian|republic of georgia|georgie"},
    {"de", "deu", "Germany", "german|federal republic of germany|deutschland|west germany|allemagne"},
    {"gh", "gha", "Ghana", "ghanaian|ghanian|republic of ghana"},
    {"gi", "gib", "Gibraltar", "gibraltarian"},
    {"gr", "grc", "Greece", "greek|hellenic republic|hellas|grece"},
    {"gl", "grl", "Greenland", "greenlandic|greenlander"},
    {"gd", "grd", "Grenada", "grenadian"},
    {"gp", "glp", "Guadeloupe", "guadeloupean|guadeloupian"},
    {"gu", "gum", "Guam", "guamanian"},
    {"gt", "gtm", "Guatemala", "guatemalan|republic of guatemala"},
    {"gg", "ggy", "Guernsey", ""},
    {"gn", "gin", "Guinea", "guinean|republic of guinea|guinea conakry|guinee"},
    {"gw", "gnb", "Guinea-Bissau", "bissau guinean|guinea bissauan|republic of guinea bissau|guinee bissau"},
    {"gy", "guy", "Guyana", "guyanese|cooperative republic of guyana"},
    {"ht", "hti", "Haiti", "haitian|republic of haiti"},
    {"hm", "hmd", "Heard Island and McDonald Islands", "heard and mcdonald islands"},
    {"va", "vat", "Holy See", "vatican|vatican city|vatican city state|holy see vatican city state"},
    {"hn", "hnd", "Honduras", "honduran|republic of honduras"},
    {"hk", "hkg", "Hong Kong", "hong konger|hongkonger|hongkong|hong kong sar|hong kong china|china hong kong|"
                               "hong kong sar china|hong kong special administrative region|"
                               "hong kong special administrative region of china|"
                               "china hong kong special administrative region"},
    {"hu", "hun", "Hungary", "hungarian|magyar|hongrie"},
    {"is", "isl", "Iceland", "icelandic|icelander|republic of iceland|islande"},
    {"in", "ind", "India", "indian|republic of india|bharat|inde"},
    {"id", "idn", "Indonesia", "indonesian|republic of indonesia|indonesie"},
    {"ir", "irn", "Iran", "iranian|islamic republic of iran|iran islamic republic of|persia|persian"},
    {"iq", "irq", "Iraq", "iraqi|republic of iraq|irak"},
    {"ie", "irl", "Ireland", "irish|republic of ireland|eire|irlande"},
    {"im", "imn", "Isle of Man", "manx"},
    {"il", "isr", "Israel", "israeli|state of israel"},
    {"it", "ita", "Italy", "italian|italian republic|italie"},
    {"jm", "jam", "Jamaica", "jamaican|jamaique"},
    {"jp", "jpn", "Japan", "japanese|nippon|japon"},
    {"je", "jey", "Jersey", ""},
    {"jo", "jor", "Jordan", "jordanian|hashemite kingdom of jordan|jordanie"},
    {"kz", "kaz", "Kazakhstan", "kazakh|kazakhstani|kazakstan|republic of kazakhstan"},
    {"ke", "ken", "Kenya", "kenyan|republic of kenya"},
    {"ki", "kir", "Kiribati", "i kiribati"},
    {"kp", "prk", "North Korea", "north korean|dprk|d p r k|democratic peoples republic of korea|korea north|"
                                 "korea democratic peoples republic of|korea dprk|coree du nord"},
    {"kr", "kor", "South Korea", "south korean|republic of korea|korea republic of|korea south|korea|rok|coree du sud"},
    {"kw", "kwt", "Kuwait", "kuwaiti|state of kuwait|koweit"},
    {"kg", "kgz", "Kyrgyzstan", "kyrgyz|kyrgyzstani|kirghiz|kirgiz|kyrgyz republic|kirghizia|kirgizstan|kirghizistan"},
    {"la", "lao", "Laos", "laotian|lao peoples democratic republic|lao pdr"},
    {"lv", "lva", "Latvia", "latvian|lettish|republic of latvia|lettonie"},
    {"lb", "lbn", "Lebanon", "lebanese|lebanese republic|liban"},
    {"ls", "lso", "Lesotho", "basotho|mosotho|kingdom of lesotho"},
    {"lr", "lbr", "Liberia", "liberian|republic of liberia"},
    {"ly", "lby", "Libya", "libyan|libyan arab jamahiriya|libyan arab jamahirya|libyan arab republic|state of libya|"
                          "great socialist peoples libyan arab jamahiriya|socialist peoples libyan arab jamahiriya|"
                          "libye"},
    {"li", "lie", "Liechtenstein", "liechtensteiner|principality of liechtenstein"},
    {"lt", "ltu", "Lithuania", "lithuanian|republic of lithuania|lituanie"},
    {"lu", "lux", "Luxembourg", "luxembourger|luxembourgish|grand duchy of luxembourg"},
    {"mo", "mac", "Macao", "macau|macanese|macao sar|macau sar|macao china|macau china|china macao|"
                          "macao special administrative region|china macao special administrative region"},
    {"mg", "mdg", "Madagascar", "malagasy|republic of madagascar"},
    {"mw", "mwi", "Malawi", "malawian|republic of malawi"},
    {"my", "mys", "Malaysia", "malaysian|malaisie"},
    {"mv", "mdv", "Maldives", "maldivian|republic of maldives"},
    {"ml", "mli", "Mali", "malian|republic of mali"},
    {"mt", "mlt", "Malta", "maltese|republic of malta|malte"},
    {"mh", "mhl", "Marshall Islands", "marshallese|republic of the marshall islands"},
    {"mq", "mtq", "Martinique", "martiniquais|martinican"},
    {"mr", "mrt", "Mauritania", "mauritanian|islamic republic of mauritania|mauritanie"},
    {"mu", "mus", "Mauritius", "mauritian|republic of mauritius|maurice"},
    {"yt", "myt", "Mayotte", "mahoran"},
    {"mx", "mex", "Mexico", "mexican|united mexican states|mexique"},
    {"fm", "fsm", "Micronesia", "micronesian|federated states of micronesia|micronesia federated states of"},
    {"md", "mda", "Moldova", "moldovan|moldavian|republic of moldova|moldova republic of|moldavia|moldavie"},
    {"mc", "mco", "Monaco", "monegasque|monacan|principality of monaco"},
    {"mn", "mng", "Mongolia", "mongolian|mongol|mongolie"},
    {"me", "mne", "Montenegro", "montenegrin"},
    {"ms", "msr", "Montserrat", "montserratian"},
    {"ma", "mar", "Morocco", "moroccan|kingdom of morocco|maroc"},
    {"mz", "moz", "Mozambique", "mozambican|republic of mozambique"},
    {"mm", "mmr", "Myanmar", "burma|burmese|myanmar burma|burma myanmar|republic of the union of myanmar|"
                             "union of myanmar|birmanie|myanmar birmanie"},
    {"na", "nam", "Namibia", "namibian|republic of namibia|namibie"},
    {"nr", "nru", "Nauru", "nauruan"},
    {"np", "npl", "Nepal", "nepalese|nepali|federal democratic republic of nepal"},
    {"nl", "nld", "Netherlands", "dutch|holland|kingdom of the netherlands|nederland|pays bas"},
    {"nc", "ncl", "New Caledonia", "new caledonian|nouvelle caledonie"},
    {"nz", "nzl", "New Zealand", "new zealander|nouvelle zelande"},
    {"ni", "nic", "Nicaragua", "nicaraguan|republic of nicaragua"},
    {"ne", "ner", "Niger", "nigerien|republic of niger|republic of the niger"},
    {"ng", "nga", "Nigeria", "nigerian|federal republic of nigeria"},
    {"nu", "niu", "Niue", "niuean"},
    {"nf", "nfk", "Norfolk Island", "norfolk islander"},
    {"mk", "mkd", "North Macedonia", "north macedonian|macedonia|macedonian|republic of north macedonia|"
                                     "republic of macedonia|former yugoslav republic of macedonia|fyrom|fyr macedonia|"
                                     "macedonia the former yugoslav republic of|macedoine du nord"},
    {"mp", "mnp", "Northern Mariana Islands", "northern mariana islander|commonwealth of the northern mariana islands"},
    {"no", "nor", "Norway", "norwegian|kingdom of norway|norvege"},
    {"om", "omn", "Oman", "omani|sultanate of oman"},
    {"pk", "pak", "Pakistan", "pakistani|islamic republic of pakistan"},
    {"pw", "plw", "Palau", "palauan|republic of palau"},
    {"ps", "pse", "Palestine", "palestinian|state of palestine|palestinian territories|palestinian territory|"
                               "occupied palestinian territory|occupied palestinian territories|"
                               "palestinian territory occupied|palestinian authority|gaza|gaza strip|west bank|"
                               "west bank and gaza|west bank and gaza strip|gaza and west bank|gaza strip and west bank"},
    {"pa", "pan", "Panama", "panamanian|republic of panama"},
    {"pg", "png", "Papua New Guinea", "papua new guinean|papuan"},
    {"py", "pry", "Paraguay", "paraguayan|republic of paraguay"},
    {"pe", "per", "Peru", "peruvian|republic of peru|perou"},
    {"ph", "phl", "Philippines", "filipino|filipina|philippine|phillipines|republic of the philippines"},
    {"pn", "pcn", "Pitcairn", "pitcairn islands|pitcairn islander"},
    {"pl", "pol", "Poland", "polish|pole|republic of poland|pologne"},
    {"pt", "prt", "Portugal", "portuguese|portuguese republic"},
    {"pr", "pri", "Puerto Rico", "puerto rican"},
    {"qa", "qat", "Qatar", "qatari|state of qatar"},
    {"re", "reu", "Réunion", "reunionese|reunion island"},
    {"ro", "rou", "Romania", "romanian|roumania|rumania|rumanian|roumanie"},
    {"ru", "rus", "Russia", "russian|russian federation|rossiya|russie|federation de russie"},
    {"rw", "rwa", "Rwanda", "rwandan|rwandese|republic of rwanda"},
    {"bl", "blm", "Saint Barthélemy", "saint barts|saint barths"},
    {"sh", "shn", "Saint Helena, Ascension and Tristan da Cunha", "saint helena|saint helenian|ascension island|"
                                                                  "tristan da cunha"},
    {"kn", "kna", "Saint Kitts and Nevis", "kittitian|nevisian|saint christopher and nevis"},
    {"lc", "lca", "Saint Lucia", "saint lucian"},
    {"mf", "maf", "Saint Martin", "saint martin french part"},
    {"pm", "spm", "Saint Pierre and Miquelon", ""},
    {"vc", "vct", "Saint Vincent and the Grenadines", "vincentian|saint vincent"},
    {"ws", "wsm", "Samoa", "samoan|independent state of samoa|western samoa"},
    {"sm", "smr", "San Marino", "sammarinese|san marinese"},
    {"st", "stp", "São Tomé and Príncipe", "sao tomean|santomean|sao tome"},
    {"sa", "sau", "Saudi Arabia", "saudi|saudi arabian|kingdom of saudi arabia|ksa|arabie saoudite"},
    {"sn", "sen", "Senegal", "senegalese|republic of senegal"},
    {"rs", "srb", "Serbia", "serbian|serb|republic of serbia|serbie"},
    {"sc", "syc", "Seychelles", "seychellois|republic of seychelles"},
    {"sl", "sle", "Sierra Leone", "sierra leonean|republic of sierra leone"},
    {"sg", "sgp", "Singapore", "singaporean|republic of singapore|singapour"},
    {"sx", "sxm", "Sint Maarten", "sint maarten dutch part|saint maarten"},
    {"sk", "svk", "Slovakia", "slovak|slovakian|slovak republic|slovaquie"},
    {"si", "svn", "Slovenia", "slovenian|slovene|republic of slovenia|slovenie"},
    {"sb", "slb", "Solomon Islands", "solomon islander"},
    {"so", "som", "Somalia", "somali|somalian|federal republic of somalia|somalie"},
    {"za", "zaf", "South Africa", "south african|republic of south africa|rsa|afrique du sud"},
    {"gs", "sgs", "South Georgia and the South Sandwich Islands", "south georgia"},
    {"ss", "ssd", "South Sudan", "south sudanese|republic of south sudan|soudan du sud"},
    {"es", "esp", "Spain", "spanish|spaniard|kingdom of spain|espana|espagne"},
    {"lk", "lka", "Sri Lanka", "sri lankan|ceylon|democratic socialist republic of sri lanka"},
    {"sd", "sdn", "Sudan", "sudanese|republic of the sudan|republic of sudan|soudan"},
    {"sr", "sur", "Suriname", "surinamese|surinamer|surinam|republic of suriname"},
    {"sj", "sjm", "Svalbard and Jan Mayen", "svalbard"},
    {"se", "swe", "Sweden", "swedish|swede|kingdom of sweden|suede"},
    {"ch", "che", "Switzerland", "swiss|swiss confederation|suisse|schweiz"},
    {"sy", "syr", "Syria", "syrian|syrian arab republic|syrie"},
    {"tw", "twn", "Taiwan", "taiwanese|republic of china|taiwan province of china|province of china taiwan|"
                           "chinese taipei"},
    {"tj", "tjk", "Tajikistan", "tajik|tajikistani|tadjik|tadzhik|republic of tajikistan|tadjikistan"},
    {"tz", "tza", "Tanzania", "tanzanian|united republic of tanzania|tanzania united republic of|tanzanie"},
    {"th", "tha", "Thailand", "thai|kingdom of thailand|siam|thailande"},
    {"tl", "tls", "Timor-Leste", "east timor|timorese|east timorese"},
    {"tg", "tgo", "Togo", "togolese|togolese republic"},
    {"tk", "tkl", "Tokelau", "tokelauan"},
    {"to", "ton", "Tonga", "tongan|kingdom of tonga"},
    {"tt", "tto", "Trinidad and Tobago", "trinidadian|tobagonian|trinidad|trinbagonian"},
    {"tn", "tun", "Tunisia", "tunisian|republic of tunisia|tunisie"},
    {"tr", "tur", "Turkey", "turkish|turkiye|turk|republic of turkey|republic of turkiye|turquie"},
    {"tm", "tkm", "Turkmenistan", "turkmen|turkmenistani|turkmenia"},
    {"tc", "tca", "Turks and Caicos Islands", "turks and caicos"},
    {"tv", "tuv", "Tuvalu", "tuvaluan"},
    {"ug", "uga", "Uganda", "ugandan|republic of uganda|ouganda"},
    {"ua", "ukr", "Ukraine", "ukrainian|crimea|crimean|autonomous republic of crimea|republic of crimea|sevastopol"},
    {"ae", "are", "United Arab Emirates", "emirati|emirian|uae|u a e|emirates|emirats arabes unis"},
    {"gb", "gbr", "United Kingdom", "british|briton|uk|u k|great britain|britain|"
                                    "united kingdom of great britain and northern ireland|england|english|"
                                    "scotland|scottish|wales|welsh|northern ireland|royaume uni"},
    {"us", "usa", "United States", "american|us|u s|u s a|united states of america|america|etats unis"},
    {"um", "umi", "United States Minor Outlying Islands", "us minor outlying islands"},
    {"uy", "ury", "Uruguay", "uruguayan|oriental republic of uruguay"},
    {"uz", "uzb", "Uzbekistan", "uzbek|uzbekistani|republic of uzbekistan|ouzbekistan"},
    {"vu", "vut", "Vanuatu", "ni vanuatu|vanuatuan"},
    {"ve", "ven", "Venezuela", "venezuelan|bolivarian republic of venezuela|venezuela bolivarian republic of"},
    {"vn", "vnm", "Vietnam", "vietnamese|viet nam|socialist republic of vietnam|socialist republic of viet nam"},
    {"vg", "vgb", "British Virgin Islands", "virgin islands british|bvi"},
    {"vi", "vir", "U.S. Virgin Islands", "us virgin islands|virgin islands us|virgin islands u s|"
                                         "united states virgin islands|american virgin islands"},
    {"wf", "wlf", "Wallis and Futuna", "wallisian|futunan|wallis and futuna islands"},
    {"eh", "esh", "Western Sahara", "sahrawi|sahrawi arab democratic republic"},
    {"ye", "yem", "Yemen", "yemeni|yemenite|republic of yemen|yemen arab republic"},
    {"zm", "zmb", "Zambia", "zambian|republic of zambia|zambie"},
    {"zw", "zwe", "Zimbabwe", "zimbabwean|republic of zimbabwe"},
    {"xk", "xkx", "Kosovo", "kosovar|kosovan|republic of kosovo"},
    {"su", "sun", "Soviet Union", "ussr|u s s r|soviet|union of soviet socialist republics|former soviet union|"
                                  "former ussr"},
    {"yu", "yug", "Yugoslavia", "yugoslav|yugoslavian|former yugoslavia|federal republic of yugoslavia|"
                                "socialist federal republic of yugoslavia"},
    {"cs", "scg", "Serbia and Montenegro", "serbia montenegro|state union of serbia and montenegro"},
    {"dd", "ddr", "East Germany", "german democratic republic|gdr|east german"},
    {"an", "ant", "Netherlands Antilles", "netherlands antillean|dutch antilles"},
};

#define N_COUNTRIES KD_ARRAY_LEN(countries)
#define KEY_MAX 256   /* a longer key is not a country */
#define N_KEYS 2048   /* room for every key (1,559 now): the table allocates once */

/* key → index in countries; the keys are the static strings above and
 * name_keys, so the map borrows them. Built once, never freed. */
static strmap table;
static char name_keys[8192]; /* the key forms of the names, built once */
static int16_t by_alpha2[26 * 26];
static pthread_once_t table_once = PTHREAD_ONCE_INIT;

/* Latin-1 supplement U+00C0..U+00FF and Latin Extended-A U+0100..U+017F
 * folded to ASCII. Upper-case markers expand to two letters (E=ae, T=th,
 * S=ss, J=ij, O=oe); a space is a separator (× ÷). */
static const char fold_latin1[] = "aaaaaaEceeeeiiiidnooooo ouuuuyTSaaaaaaEceeeeiiiidnooooo ouuuuyTy";
static const char fold_ext_a[] = "aaaaaaccccccccddddeeeeeeeeeegggggggghhhhiiiiiiii"
                                 "iiJJjjkkkllllllllllnnnnnnnnnooooooOOrrrrrrssssss"
                                 "ssttttttuuuuuuuuuuuuwwyyyzzzzzzs";
_Static_assert(sizeof fold_latin1 == 64 + 1 && sizeof fold_ext_a == 128 + 1, "fold tables cover their blocks");

/* Decodes one UTF-8 sequence; returns its length, 0 when invalid. */
static size_t utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
    if (s[0] < 0x80) {
        *cp = s[0];
        return 1;
    }
    size_t len = (s[0] & 0xE0) == 0xC0 ? 2 : (s[0] & 0xF0) == 0xE0 ? 3 : (s[0] & 0xF8) == 0xF0 ? 4 : 0;
    if (len == 0 || len > n)
        return 0;
    uint32_t c = s[0] & (0x7F >> len);
    for (size_t k = 1; k < len; k++) {
        if ((s[k] & 0xC0) != 0x80)
            return 0;
        c = (c << 6) | (s[k] & 0x3F);
    }
    static const uint32_t min[5] = {0, 0, 0x80, 0x800, 0x10000};
    if (c < min[len] || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
        return 0;
    *cp = c;
    return len;
}

typedef struct keybuf {
    char s[KEY_MAX + 8];
    size_t len;
    bool overflow;
} keybuf;

static void key_put(keybuf *k, const char *text)
{
    for (; *text; text++) {
        if (*text == ' ' && (k->len == 0 || k->s[k->len - 1] == ' '))
            continue;
        if (k->len >= KEY_MAX) {
            k->overflow = true;
            return;
        }
        k->s[k->len++] = *text;
    }
}

/* The key form: lowercase ASCII words separated by one space. Apostrophes
 * vanish ("People's" → "peoples", "d'Ivoire" → "divoire"), other punctuation
 * separates words, and letters from scripts we cannot fold become a byte no
 * key contains, so such text never matches by accident. */
static bool make_key(const char *s, size_t n, keybuf *k)
{
    const unsigned char *p = (const unsigned char *)s;
    k->len = 0;
    k->overflow = false;
    for (size_t i = 0; i < n && !k->overflow;) {
        uint32_t cp;
        size_t len = utf8_decode(p + i, n - i, &cp);
        if (len == 0)
            return false;
        i += len;
        char one[2] = {0, 0};
        const char *out = one;
        char f = 0;
        if (cp < 0x80) {
            if (cp >= 'A' && cp <= 'Z')
                one[0] = (char)(cp + 32);
            else if ((cp >= 'a' && cp <= 'z') || (cp >= '0' && cp <= '9'))
                one[0] = (char)cp;
            else if (cp == '\'' || cp == '`')
                continue;
            else
                out = cp == '&' ? " and " : " ";
        } else if (cp == 0x2018 || cp == 0x2019 || cp == 0x02BC || cp == 0x02BB || cp == 0x00B4) {
            continue;
        } else if (cp >= 0xC0 && cp <= 0xFF) {
            f = fold_latin1[cp - 0xC0];
        } else if (cp >= 0x100 && cp <= 0x17F) {
            f = fold_ext_a[cp - 0x100];
        } else if (cp < 0xC0 || (cp >= 0x2000 && cp <= 0x206F) || cp == 0x3000) {
            out = " "; /* NBSP, Latin-1 symbols, dashes, quotes */
        } else {
            one[0] = 0x7F;
        }
        if (f) {
            switch (f) {
            case 'E': out = "ae"; break;
            case 'T': out = "th"; break;
            case 'S': out = "ss"; break;
            case 'J': out = "ij"; break;
            case 'O': out = "oe"; break;
            default: one[0] = f; break;
            }
        }
        key_put(k, out);
    }
    while (k->len && k->s[k->len - 1] == ' ')
        k->len--;
    k->s[k->len] = '\0';
    return !k->overflow;
}

static void insert(const char *key, size_t len, size_t idx)
{
    /* the first country to claim a key keeps it: strmap_add leaves a key
     * that is there alone. It cannot fail once N_KEYS are reserved. */
    if (len)
        strmap_add(&table, key, len, idx, NULL);
}

static int find(const char *key, size_t len)
{
    uintptr_t idx;
    return strmap_get(&table, key, len, &idx) ? (int)idx : -1;
}

static void build_table(void)
{
    size_t used = 0;
    memset(by_alpha2, -1, sizeof by_alpha2);
    /* Out of memory here (a few dozen KiB, once), names stay unresolved
     * (codes still name their countries): country_code has no way to
     * report it. */
    bool keyed = strmap_reserve(&table, N_KEYS) == KD_OK;
    for (size_t i = 0; i < N_COUNTRIES; i++) {
        const country *c = &countries[i];
        by_alpha2[(c->alpha2[0] - 'a') * 26 + (c->alpha2[1] - 'a')] = (int16_t)i;
        if (!keyed)
            continue;
        /* "NA" is far more often "not available" than Namibia, and "and"
         * is what "&" becomes in a key, not Andorra. */
        if (strcmp(c->alpha2, "na") != 0)
            insert(c->alpha2, 2, i);
        if (strcmp(c->alpha3, "and") != 0)
            insert(c->alpha3, 3, i);
        keybuf k;
        if (make_key(c->name, strlen(c->name), &k) && used + k.len + 1 <= sizeof name_keys) {
            memcpy(name_keys + used, k.s, k.len + 1);
            insert(name_keys + used, k.len, i);
            used += k.len + 1;
        }
        for (const char *a = c->aliases; *a;) {
            size_t len = strcspn(a, "|");
            insert(a, len, i);
            a += len + (a[len] == '|');
        }
    }
}

typedef struct hedge {
    const char *text;
    size_t len;
} hedge;
#define HEDGE(w) {w, sizeof w - 1}

/* Lengths stored and the first letter compared first: text screening asks
 * this of every capitalised window, and almost none is a country. */
static bool strip_word(const char **key, size_t *len, const hedge *word, bool at_end)
{
    size_t w = word->len;
    if (*len <= w + 1)
        return false;
    if (!at_end && (*key)[0] == word->text[0] && (*key)[w] == ' ' && memcmp(*key, word->text, w) == 0) {
        *key += w + 1;
        *len -= w + 1;
        return true;
    }
    if (at_end && (*key)[*len - w - 1] == ' ' && (*key)[*len - w] == word->text[0] &&
        memcmp(*key + *len - w, word->text, w) == 0) {
        *len -= w + 1;
        return true;
    }
    return false;
}

/* Looks a key up as is, then without the hedges and labels lists put around
 * a country ("possibly Ethiopian", "Iranian citizenship", "Region: Gaza"). */
static int lookup_key(const char *key, size_t len)
{
    static const hedge lead[] = {HEDGE("the"), HEDGE("of"), HEDGE("possibly"), HEDGE("allegedly"),
                                 HEDGE("assumed"), HEDGE("presumed"), HEDGE("presumably"),
                                 HEDGE("reportedly"), HEDGE("probably"), HEDGE("likely"),
                                 HEDGE("citizen of"), HEDGE("national of"), HEDGE("nationality"),
                                 HEDGE("region"), HEDGE("country")};
    static const hedge tail[] = {HEDGE("citizenship"), HEDGE("citizen"), HEDGE("nationality"),
                                 HEDGE("national"), HEDGE("passport"), HEDGE("by birth"),
                                 HEDGE("presumed")};
    for (int round = 0; round < 8; round++) {
        int idx = find(key, len);
        if (idx >= 0)
            return idx;
        if (len > 3 && memcmp(key, "st ", 3) == 0) {
            char tmp[KEY_MAX + 8];
            memcpy(tmp, "saint ", 6);
            memcpy(tmp + 6, key + 3, len - 3);
            if ((idx = find(tmp, len + 3)) >= 0)
                return idx;
        }
        bool stripped = false;
        for (size_t i = 0; i < KD_ARRAY_LEN(lead) && !stripped; i++)
            stripped = strip_word(&key, &len, &lead[i], false);
        for (size_t i = 0; i < KD_ARRAY_LEN(tail) && !stripped; i++)
            stripped = strip_word(&key, &len, &tail[i], true);
        if (!stripped)
            break;
    }
    return -1;
}

static int resolve(const char *s, size_t n, int depth)
{
    keybuf k;
    if (!make_key(s, n, &k))
        return -1;
    int idx = lookup_key(k.s, k.len);
    if (idx >= 0 || depth >= 2)
        return idx;

    /* "Belarus / Bélarus", "Myanmar/Burma": every side that resolves must
     * agree, so "Australian/Russian" stays unresolved for the parser. */
    const char *slash = memchr(s, '/', n);
    if (slash) {
        int found = -1;
        for (const char *part = s, *end = s + n; part < end;) {
            const char *cut = memchr(part, '/', (size_t)(end - part));
            if (!cut)
                cut = end;
            int i = resolve(part, (size_t)(cut - part), depth + 1);
            if (i >= 0 && found >= 0 && i != found)
                return -1;
            if (i >= 0)
                found = i;
            part = cut + 1;
        }
        return found;
    }

    /* "Jordanian (presumed)", "Myanmar (Burma)", "assumed Congolese (DRC)":
     * the text outside the brackets first, then inside the first pair. */
    const char *open = memchr(s, '(', n);
    if (open) {
        char outer[KEY_MAX];
        size_t len = 0;
        int level = 0;
        for (size_t i = 0; i < n && len < sizeof outer; i++) {
            if (s[i] == '(')
                level++;
            else if (s[i] == ')' && level > 0)
                level--;
            else if (level == 0 && s[i] != ')')
                outer[len++] = s[i];
        }
        if ((idx = resolve(outer, len, depth + 1)) >= 0)
            return idx;
        const char *inner = open + 1;
        const char *close = memchr(inner, ')', (size_t)(s + n - inner));
        return resolve(inner, (size_t)((close ? close : s + n) - inner), depth + 1);
    }

    /* Index forms: "Korea, North", "Congo, Democratic Republic of the". */
    const char *comma = memchr(s, ',', n);
    if (comma && !memchr(comma + 1, ',', (size_t)(s + n - comma - 1))) {
        char swapped[KEY_MAX + 1];
        size_t a = (size_t)(comma - s), b = n - a - 1;
        if (a + b + 1 > sizeof swapped)
            return -1;
        memcpy(swapped, comma + 1, b);
        swapped[b] = ' ';
        memcpy(swapped + b + 1, s, a);
        if (!make_key(swapped, a + b + 1, &k))
            return -1;
        return lookup_key(k.s, k.len);
    }
    return -1;
}

bool country_code(const char *s, size_t n, char out[3])
{
    if (!s || n == 0 || n > KEY_MAX)
        return false;
    pthread_once(&table_once, build_table);
    int idx = resolve(s, n, 0);
    if (idx < 0)
        return false;
    memcpy(out, countries[idx].alpha2, 3);
    return true;
}

const char *country_name(const char *code)
{
    if (!code)
        return NULL;
    int a = code[0] | 0x20;
    if (a < 'a' || a > 'z')
        return NULL;
    int b = code[1] | 0x20;
    if (b < 'a' || b > 'z' || code[2] != '\0')
        return NULL;
    pthread_once(&table_once, build_table);
    int idx = by_alpha2[(a - 'a') * 26 + (b - 'a')];
    return idx >= 0 ? countries[idx].name : NULL;
}
