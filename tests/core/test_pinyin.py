from core.pinyin import pinyin_initials, pinyin_key


def test_full_pinyin_and_initials():
    assert pinyin_key("张三") == "zhangsan"
    assert pinyin_initials("张三") == "zs"


def test_polyphonic_surname_and_umlaut_stay_ascii():
    assert pinyin_key("吕女") == "lvnv"
    assert pinyin_key("吕女").isascii()


def test_separators_in_minority_names_are_dropped():
    assert pinyin_key("阿依·买买提") == "ayimaimaiti"
