using AssetMeter.Firmware.Records;
using AssetMeter.Firmware.Text;
using AssetMeter.Metrology.Settlement;

namespace AssetMeter.Firmware.Commands
{
    /// <summary>UTC times in commands: exactly <c>yyyy-MM-ddTHH:mm:ssZ</c> or with milliseconds <c>yyyy-MM-ddTHH:mm:ss.fffZ</c>.</summary>
    public static class UtcText
    {
        /// <summary>Parses a UTC time to DateTime ticks; false on any other form or an impossible date.</summary>
        public static bool TryParse(string text, out long utcTicks)
        {
            utcTicks = 0;
            if (text == null || (text.Length != 20 && text.Length != 24) || text[4] != '-' || text[7] != '-' || text[10] != 'T'
                || text[13] != ':' || text[16] != ':' || text[text.Length - 1] != 'Z')
            {
                return false;
            }

            long year;
            long month;
            long day;
            long hour;
            long minute;
            long second;
            long millisecond = 0;
            if (!Digits(text, 0, 4, out year) || !Digits(text, 5, 2, out month) || !Digits(text, 8, 2, out day)
                || !Digits(text, 11, 2, out hour) || !Digits(text, 14, 2, out minute) || !Digits(text, 17, 2, out second))
            {
                return false;
            }

            if (text.Length == 24 && (text[19] != '.' || !Digits(text, 20, 3, out millisecond)))
            {
                return false;
            }

            if (year < 2000 || year > 2999 || month < 1 || month > 12 || day < 1 || day > CivilCalendar.DaysInMonth((int)year, (int)month)
                || hour > 23 || minute > 59 || second > 59)
            {
                return false;
            }

            long dayNumber = CivilCalendar.DayNumber((int)year, (int)month, (int)day);
            utcTicks = (dayNumber * CivilCalendar.TicksPerDay) + (((((hour * 60) + minute) * 60) + second) * 10000000) + (millisecond * 10000);
            return true;
        }

        /// <summary>Appends <paramref name="utcTicks"/> as <c>yyyy-MM-ddTHH:mm:ss.fffZ</c>.</summary>
        public static void Write(AsciiWriter writer, long utcTicks)
        {
            writer.DateTimeMilliseconds(utcTicks, '.');
            writer.Char('Z');
        }

        private static bool Digits(string text, int start, int count, out long value)
        {
            value = 0;
            for (int i = start; i < start + count; i++)
            {
                if (text[i] < '0' || text[i] > '9')
                {
                    return false;
                }
            }

            return InvariantText.TryParseInt64(text, start, count, out value);
        }
    }
}
