// Phone numbers through libphonenumber (Google's, the library made for the
// job: every country's numbering plan as metadata), behind a C function.
// Its use is to keep FtM's `phone` type to valid E.164 numbers.
// Declared for C in model/model.h (not included: it is C, not C++).
#include <phonenumbers/phonenumberutil.h>

#include <cstring>
#include <string>

extern "C" bool phone_e164_of(const char *international, char *out, size_t size)
{
    using i18n::phonenumbers::PhoneNumber;
    using i18n::phonenumbers::PhoneNumberUtil;
    if (!international || international[0] != '+' || size == 0)
        return false;
    // GetInstance() builds its metadata once, thread-safely, and keeps it
    const PhoneNumberUtil *util = PhoneNumberUtil::GetInstance();
    PhoneNumber number;
    // "ZZ": no default region; the number carries its country code
    if (util->Parse(std::string(international), "ZZ", &number) != PhoneNumberUtil::NO_PARSING_ERROR ||
        !util->IsValidNumber(number))
        return false;
    std::string e164;
    // the national trunk prefix some write after the country code
    // ("+7 (8462) ...") is dropped here, as the plan says
    util->Format(number, PhoneNumberUtil::E164, &e164);
    if (e164.size() >= size)
        return false;
    std::memcpy(out, e164.c_str(), e164.size() + 1);
    return true;
}
