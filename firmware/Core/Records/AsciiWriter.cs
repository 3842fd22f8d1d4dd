using AssetMeter.Metrology.Settlement;
using AssetMeter.Firmware.Text;

namespace AssetMeter.Firmware.Records
{
    /// <summary>
    /// Writes ASCII text into a caller-owned byte buffer: the records and messages the meter sends are built
    /// byte by byte, so the bytes signed are exactly the bytes sent and nothing allocates.
    /// </summary>
    public sealed class AsciiWriter
    {
        private byte[] _buffer;

        /// <summary>Creates a writer over <paramref name="buffer"/>, starting at 0.</summary>
        public AsciiWriter(byte[] buffer)
        {
            _buffer = buffer;
        }

        /// <summary>The buffer written to.</summary>
        public byte[] Buffer
        {
            get { return _buffer; }
        }

        /// <summary>Bytes written so far.</summary>
        public int Length { get; private set; }

        /// <summary>True if something did not fit (the output is then incomplete and must not be used).</summary>
        public bool Overflowed { get; private set; }

        /// <summary>Starts again at 0 on the same buffer.</summary>
        public void Reset()
        {
            Length = 0;
            Overflowed = false;
        }

        /// <summary>Appends one character (must be ASCII).</summary>
        public void Char(char c)
        {
            if (Length >= _buffer.Length)
            {
                Overflowed = true;
                return;
            }

            _buffer[Length++] = (byte)c;
        }

        /// <summary>Appends text as is (it must be ASCII and contain nothing that needs escaping where it goes).</summary>
        public void Raw(string text)
        {
            for (int i = 0; i < text.Length; i++)
            {
                Char(text[i]);
            }
        }

        /// <summary>Appends a JSON string: quotes, with quote, backslash and control characters escaped.</summary>
        public void JsonString(string text)
        {
            Char('"');
            for (int i = 0; i < text.Length; i++)
            {
                char c = text[i];
                if (c == '"' || c == '\\')
                {
                    Char('\\');
                    Char(c);
                }
                else if (c < ' ' || c > '~')
                {
                    // Identifiers are ASCII by configuration; anything else is escaped, never passed through.
                    Raw("\\u");
                    Char(HexDigit((c >> 12) & 0xF));
                    Char(HexDigit((c >> 8) & 0xF));
                    Char(HexDigit((c >> 4) & 0xF));
                    Char(HexDigit(c & 0xF));
                }
                else
                {
                    Char(c);
                }
            }

            Char('"');
        }

        /// <summary>Appends a decimal integer.</summary>
        public void Integer(long value)
        {
            if (Length + 20 > _buffer.Length)
            {
                Overflowed = true;
                return;
            }

            Length = InvariantText.WriteInt64(_buffer, Length, value);
        }

        /// <summary>Appends an integer left-padded with zeros to <paramref name="width"/> digits.</summary>
        public void Padded(long value, int width)
        {
            if (Length + 20 + width > _buffer.Length)
            {
                Overflowed = true;
                return;
            }

            Length = InvariantText.WritePadded(_buffer, Length, value, width);
        }

        /// <summary>
        /// Appends µWh as watt-hours with exactly three decimals, truncated (floor) to the mWh: e.g. 12345678901 µWh
        /// is "12345.678". Floors of cumulative registers telescope, so period differences lose nothing overall.
        /// </summary>
        public void WattHours(long microwattHours)
        {
            long milliwattHours = microwattHours / 1000;
            Integer(milliwattHours / 1000);
            Char('.');
            Padded(milliwattHours % 1000, 3);
        }

        /// <summary>Appends a signed value given in thousandths with exactly three decimals: -1234 is "-1.234".</summary>
        public void Thousandths(long value)
        {
            if (value < 0)
            {
                Char('-');
                value = -value;
            }

            Integer(value / 1000);
            Char('.');
            Padded(value % 1000, 3);
        }

        /// <summary>
        /// Appends the UTC date and time of <paramref name="utcTicks"/> to the millisecond,
        /// <c>yyyy-MM-ddTHH:mm:ss</c>, <paramref name="fractionSeparator"/>, <c>fff</c>: the common part of OCMF times
        /// (',') and protocol times ('.').
        /// </summary>
        public void DateTimeMilliseconds(long utcTicks, char fractionSeparator)
        {
            int year;
            int month;
            int day;
            long dayNumber = utcTicks / CivilCalendar.TicksPerDay;
            CivilCalendar.Date(dayNumber, out year, out month, out day);
            long milliseconds = (utcTicks - (dayNumber * CivilCalendar.TicksPerDay)) / 10000;
            Padded(year, 4);
            Char('-');
            Padded(month, 2);
            Char('-');
            Padded(day, 2);
            Char('T');
            Padded(milliseconds / 3600000, 2);
            Char(':');
            Padded((milliseconds / 60000) % 60, 2);
            Char(':');
            Padded((milliseconds / 1000) % 60, 2);
            Char(fractionSeparator);
            Padded(milliseconds % 1000, 3);
        }

        /// <summary>Appends bytes as lower-case hex.</summary>
        public void HexBytes(byte[] source, int offset, int count)
        {
            if (Length + (2 * count) > _buffer.Length)
            {
                Overflowed = true;
                return;
            }

            Length = Hex.Write(source, offset, count, _buffer, Length);
        }

        /// <summary>Appends bytes as they are.</summary>
        public void Bytes(byte[] source, int offset, int count)
        {
            for (int i = 0; i < count; i++)
            {
                if (Length >= _buffer.Length)
                {
                    Overflowed = true;
                    return;
                }

                _buffer[Length++] = source[offset + i];
            }
        }

        private static char HexDigit(int value)
        {
            return (char)(value < 10 ? '0' + value : 'a' + value - 10);
        }
    }
}
