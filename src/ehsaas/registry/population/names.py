"""Pakistani names for synthetic people, in Urdu script and in the Latin spellings people really use.

Each given name is one line: an era mark, its Latin spellings separated by "/" (the first is the most
common), and its Urdu spelling after "=". The era mark says who carries it: `o` mostly people born
before about 1975, `y` mostly people born after about 2000, `m` anyone. Family and clan names carry the
provinces they are common in instead (P Punjab, S Sindh, K Khyber Pakhtunkhwa, B Balochistan,
I Islamabad, G Gilgit-Baltistan, J Azad Kashmir).

`NameTable` turns a list into arrays the generator indexes with numpy: one row per spelling, so that
choosing a name and a spelling is two integer draws and one lookup.
"""

from dataclasses import dataclass

import numpy as np

MALE = """
m Ahmed/Ahmad = احمد
m Ali = علی
m Hussain/Hussein/Husain = حسین
m Hassan/Hasan = حسن
m Imran = عمران
m Asif/Aasif = آصف
m Tariq/Tarik = طارق
m Khalid/Khaled = خالد
m Zubair/Zubayr = زبیر
m Abdul Rehman/Abdur Rehman/Abdul Rahman = عبدالرحمن
o Ghulam Rasool/Ghulam Rasul = غلام رسول
m Shahid/Shahed = شاہد
m Naveed/Navid = نوید
y Waqas/Waqqas = وقاص
m Usman/Osman/Usmaan = عثمان
m Umar/Umer/Omar = عمر
y Bilal = بلال
y Hamza/Hamzah = حمزہ
m Faisal/Faysal = فیصل
y Farhan = فرحان
m Kamran = کامران
m Rizwan/Rizwaan = رضوان
y Zeeshan/Zeshan/Zishan = ذیشان
m Adnan = عدنان
y Shoaib/Shoib = شعیب
m Sajid/Saajid = ساجد
m Saeed/Said = سعید
o Javed/Javaid/Javid = جاوید
o Pervez/Parvez/Parvaiz = پرویز
m Iqbal = اقبال
o Akram = اکرم
o Aslam = اسلم
m Nadeem/Nadim = ندیم
m Rashid/Rasheed = راشد
m Yasir/Yasser/Yaser = یاسر
y Junaid/Junaed = جنید
y Arslan/Arsalan = ارسلان
y Danish = دانش
m Ehsan/Ihsan/Ahsan = احسان
m Irfan = عرفان
y Fahad/Fahd = فہد
m Haider/Hyder/Haidar = حیدر
m Abbas = عباس
m Qasim/Kasim/Qaasim = قاسم
y Noman/Nouman/Numan = نعمان
m Sohail/Suhail = سہیل
m Khurram = خرم
m Mudassar/Mudassir/Mudasir = مدثر
m Zahid/Zahed = زاہد
m Sarfraz/Sarfaraz = سرفراز
o Gul Khan = گل خان
o Sher Ali = شیر علی
o Nawaz = نواز
o Shafiq/Shafique = شفیق
o Rafiq/Rafique = رفیق
o Ashraf = اشرف
o Anwar/Anwer = انور
o Bashir/Basheer = بشیر
o Nazir/Nazeer = نذیر
o Allah Ditta/Allah Dita/Allahditta = اللہ دتہ
o Allah Bakhsh/Allah Bux/Allah Baksh = اللہ بخش
m Karim/Kareem = کریم
m Rahim/Raheem = رحیم
m Jamal/Jamaal = جمال
m Kashif = کاشف
m Atif/Aatif = عاطف
m Amir/Aamir/Aamer = عامر
m Asad = اسد
m Shahzad/Shehzad = شہزاد
m Waseem/Wasim = وسیم
m Naeem/Naim = نعیم
y Salman/Salmaan = سلمان
y Fawad/Fuad = فواد
y Saqib/Saqeb/Sakib = ثاقب
o Mushtaq = مشتاق
o Ishaq/Ishaque = اسحاق
m Ilyas/Iliyas = الیاس
m Younas/Yunus/Younis = یونس
o Yaqoob/Yaqub/Yakub = یعقوب
m Ayub/Ayoub/Ayyub = ایوب
m Ismail/Ismaeel = اسماعیل
m Zafar/Zaffar = ظفر
m Mansoor/Mansur = منصور
o Manzoor/Manzur = منظور
o Ghulam Mustafa/Ghulam Mustufa = غلام مصطفیٰ
o Ghulam Abbas = غلام عباس
o Ghulam Hussain/Ghulam Husain = غلام حسین
o Noor Muhammad/Nur Muhammad/Noor Mohammad = نور محمد
o Dost Muhammad/Dost Mohammad = دوست محمد
o Wali Muhammad/Wali Mohammad = ولی محمد
m Habib/Habeeb = حبیب
m Hafeez/Hafiz = حفیظ
m Jahangir/Jehangir = جہانگیر
o Liaquat/Liaqat/Liaqat Ali = لیاقت
m Mazhar = مظہر
m Nasir/Naseer = ناصر
m Qadir/Qadeer/Kadir = قادر
m Riaz/Riyaz = ریاض
m Shabbir/Shabir = شبیر
m Tahir/Taher = طاہر
m Tanveer/Tanvir = تنویر
m Wajid = واجد
m Zulfiqar/Zulfikar/Zulfiqaar = ذوالفقار
y Ayaan/Ayan = ایان
y Abdullah/Abdulla = عبداللہ
y Hassan Raza/Hasan Raza = حسن رضا
y Haris/Harris = حارث
y Saad/Sa'ad = سعد
y Talha = طلحہ
y Huzaifa/Huzefa = حذیفہ
y Ibrahim/Ebrahim = ابراہیم
y Rayyan/Rayan = ریان
y Zain/Zayn = زین
y Moiz/Muiz = معز
"""

FEMALE = """
m Fatima/Fatimah/Fatma = فاطمہ
m Ayesha/Aisha/Aysha = عائشہ
m Zainab/Zaynab/Zenab = زینب
m Maryam/Mariam/Maryum = مریم
m Khadija/Khadijah = خدیجہ
m Amina/Aamna/Amna = آمنہ
y Sana/Sanaa = ثناء
m Saima/Saimah = صائمہ
o Nasreen/Nasrin = نسرین
m Shazia/Shaziya = شازیہ
m Rubina/Rubeena = روبینہ
m Samina/Sameena = ثمینہ
o Parveen/Perveen/Parvin = پروین
o Shamim/Shameem = شمیم
o Naseem/Nasim = نسیم
o Razia/Raziya = رضیہ
m Bushra/Bushrah = بشریٰ
m Farzana = فرزانہ
m Kausar/Kousar/Kauser = کوثر
o Nusrat = نصرت
m Rukhsana/Rukhsanah = رخسانہ
m Tahira/Tahirah = طاہرہ
m Sadia/Saadia = سعدیہ
m Asma/Asmaa = اسماء
y Hina/Heena = حنا
y Iqra/Iqraa = اقراء
y Mehwish/Mahwish = مہوش
m Nadia/Nadiya = نادیہ
m Rabia/Rabiya = رابعہ
m Sobia/Sobiya = صوبیہ
m Uzma = عظمیٰ
m Yasmin/Yasmeen/Yasmine = یاسمین
o Zubaida/Zubeda = زبیدہ
m Zahida = زاہدہ
o Abida = عابدہ
m Sajida = ساجدہ
m Naila/Nailah = نائلہ
m Noor/Nur = نور
y Hafsa/Hafsah = حفصہ
m Aliya/Alia/Aaliya = عالیہ
y Kiran/Kiren = کرن
y Sidra/Sidrah = سدرہ
m Mehnaz/Mahnaz = مہناز
y Anum/Anam = انعم
o Ghazala = غزالہ
o Shabana = شبانہ
o Nighat = نگہت
o Musarrat/Musarat = مسرت
o Safia/Safiya = صفیہ
o Sughra/Sughran = صغریٰ
o Jamila/Jameela = جمیلہ
o Hajra/Hajira = ہاجرہ
m Sakina/Sakeena = سکینہ
o Zareena/Zarina = زرینہ
m Gulnaz = گلناز
o Gul Bano/Gul Banu = گل بانو
o Bibi Jan = بی بی جان
m Shaheen/Shahin = شاہین
o Mumtaz = ممتاز
m Irum/Iram = ارم
m Lubna = لبنیٰ
y Misbah = مصباح
y Maham/Mahum = ماہم
y Areeba/Areba = اریبہ
y Eman/Iman = ایمان
y Hoorain/Hurain = حورین
y Laiba/Laibah = لائبہ
y Mahnoor/Mehnoor = ماہ نور
y Alishba/Alishbah = علیشبہ
y Anaya/Anaaya = انایہ
y Zoya/Zoyah = زویا
y Dua/Duaa = دعا
y Rimsha/Rimshah = رمشا
y Mehak/Mahak = مہک
y Muskan/Muskaan = مسکان
"""

FAMILY = """
KBIJ Khan = خان
PSI Ahmed/Ahmad = احمد
PSKI Ali = علی
PJI Butt/Bhatt = بٹ
PJI Chaudhry/Chaudhary/Ch. = چوہدری
PI Malik = ملک
PI Awan = اعوان
PJ Gujjar/Gujar = گجر
P Jutt/Jatt = جٹ
PJ Rajput = راجپوت
P Arain/Araeen = آرائیں
PSI Qureshi/Qureshy/Kureshi = قریشی
PSI Sheikh/Shaikh = شیخ
PI Mughal/Moghal = مغل
P Rana = رانا
PI Hashmi = ہاشمی
SPI Siddiqui/Siddiqi = صدیقی
PSKI Shah = شاہ
PS Bukhari = بخاری
PS Gillani/Gilani = گیلانی
S Memon/Memom = میمن
S Soomro/Sumro = سومرو
S Jatoi = جتوئی
S Channa/Chana = چنا
S Abro = ابڑو
PS Laghari/Leghari = لغاری
SB Khoso = کھوسو
S Junejo = جونیجو
S Bhutto = بھٹو
S Solangi = سولنگی
S Panhwar = پنہور
K Yousafzai/Yusufzai = یوسفزئی
K Afridi = آفریدی
KI Khattak = خٹک
K Wazir = وزیر
K Mehsud/Mahsud = محسود
K Bangash = بنگش
K Orakzai = اورکزئی
K Shinwari = شنواری
K Mohmand = مہمند
K Swati = سواتی
KB Durrani = درانی
BSP Baloch/Baluch/Balouch = بلوچ
B Marri = مری
B Bugti = بگٹی
B Mengal = مینگل
B Rind = رند
B Raisani = رئیسانی
B Kakar/Kakkar = کاکڑ
B Achakzai = اچکزئی
BK Tareen/Tarin = ترین
B Bizenjo = بزنجو
B Jamali = جمالی
B Magsi = مگسی
B Zehri = زہری
BS Brohi = بروہی
G Baig/Beg = بیگ
G Hunzai = ہنزائی
G Balti = بلتی
G Shigri = شگری
J Sudhan = سدھن
JPI Abbasi = عباسی
J Dar/Daar = ڈار
JK Mir = میر
JPI Kiani/Kayani = کیانی
JP Raja = راجہ
"""

# Words a woman's name is often completed with instead of a family name.
WOMAN_SUFFIX = (("Bibi", "بی بی"), ("Begum/Begam", "بیگم"), ("Khatoon/Khatun", "خاتون"), ("Mai", "مائی"))
MUHAMMAD = ("Muhammad/Mohammad/Muhammed/Mohammed/Mohd.", "محمد")

PROVINCE_LETTERS = "PSKBIGJ"  # in the order of geography.PROVINCES


@dataclass(frozen=True)
class NameTable:
    """Names as arrays: `spellings` holds every Latin spelling and then every Urdu one (object array,
    so that names can be joined with numpy's elementwise `+`); name i's Latin spellings are
    `spellings[start[i]:start[i] + count[i]]`, and its Urdu spelling `spellings[urdu_offset + i]`."""

    spellings: np.ndarray
    start: np.ndarray
    count: np.ndarray
    urdu_offset: int
    tags: list[str]

    def __len__(self) -> int:
        return len(self.tags)

    def pick(self, rng: np.random.Generator, index: np.ndarray, urdu: np.ndarray) -> np.ndarray:
        """The spelling of names `index`, in Urdu where `urdu` is true and otherwise a Latin spelling:
        the first (commonest) spelling six times in ten, another one otherwise."""
        u = rng.random(len(index))
        count = self.count[index]
        variant = np.where(u < 0.6, 0, 1 + ((u - 0.6) / 0.4 * (count - 1)).astype(np.int64))
        variant = np.minimum(variant, count - 1)
        row = np.where(urdu, self.urdu_offset + index, self.start[index] + variant)
        return self.spellings[row]


def parse(text: str) -> NameTable:
    latin, urdu, start, count, tags = [], [], [], [], []
    for line in text.strip().splitlines():
        head, urdu_name = (part.strip() for part in line.split("=", 1))
        tag, latin_names = head.split(" ", 1)
        spellings = [name.strip() for name in latin_names.split("/")]
        start.append(len(latin))
        count.append(len(spellings))
        latin.extend(spellings)
        urdu.append(urdu_name)
        tags.append(tag)
    return NameTable(
        spellings=np.array(latin + urdu, dtype=object),
        start=np.array(start, dtype=np.int64),
        count=np.array(count, dtype=np.int64),
        urdu_offset=len(latin),
        tags=tags,
    )


def _table(pairs) -> NameTable:
    return parse("\n".join(f"m {latin} = {urdu}" for latin, urdu in pairs))


MALE_NAMES = parse(MALE)
FEMALE_NAMES = parse(FEMALE)
FAMILY_NAMES = parse(FAMILY)
SUFFIXES = _table(WOMAN_SUFFIX)
MUHAMMAD_NAME = _table([MUHAMMAD])

# Age bands for given names: born before ~1975 (age 50+), between, and after ~2000 (under 25).
AGE_BANDS = (25, 50)
_ERA_WEIGHT = {  # band → weight of an `o`, `m`, `y` name
    0: {"o": 0.05, "m": 1.0, "y": 2.5},
    1: {"o": 0.6, "m": 1.0, "y": 0.4},
    2: {"o": 2.5, "m": 1.0, "y": 0.02},
}


def era_cumulative(table: NameTable) -> np.ndarray:
    """Cumulative choice probabilities of each name per age band: shape (3, len(table))."""
    weights = np.array([[_ERA_WEIGHT[band][tag] for tag in table.tags] for band in range(3)])
    cumulative = np.cumsum(weights, axis=1)
    return cumulative / cumulative[:, -1:]


def family_cumulative() -> np.ndarray:
    """Cumulative choice probabilities of each family name per province: shape (7, len(FAMILY))."""
    weights = np.array(
        [[1.0 if letter in tag else 0.0 for tag in FAMILY_NAMES.tags] for letter in PROVINCE_LETTERS]
    )
    cumulative = np.cumsum(weights, axis=1)
    return cumulative / cumulative[:, -1:]


MALE_ERA = era_cumulative(MALE_NAMES)
FEMALE_ERA = era_cumulative(FEMALE_NAMES)
FAMILY_BY_PROVINCE = family_cumulative()


def choose(rng: np.random.Generator, cumulative: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """One draw per element from the row `rows[i]` of a cumulative probability table."""
    u = rng.random(len(rows))
    index = np.empty(len(rows), dtype=np.int64)
    for row in np.unique(rows):
        mask = rows == row
        index[mask] = np.searchsorted(cumulative[row], u[mask], side="right")
    return np.minimum(index, cumulative.shape[1] - 1)
