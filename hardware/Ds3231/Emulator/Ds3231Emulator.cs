using System;
using System.Device.I2c;
using System.IO;

namespace AssetMeter.Hardware.Ds3231.Emulator
{
    /// <summary>
    /// The DS3231 real-time clock's register map (Analog Devices/Maxim DS3231 datasheet, 19-5170 rev. 10, "Timekeeping
    /// Registers" and "Special-Purpose Registers"), as an <see cref="I2cDevice"/> so that the real Iot.Device.Rtc.Ds3231
    /// driver of dotnet/iot runs on it unchanged. Host only: tests and the virtual meter.
    /// </summary>
    /// <remarks>
    /// <para>Registers 00h-06h hold the time in BCD (seconds, minutes, hours in 24-hour form, day 1-7, date, month with the
    /// century bit 7, year); 07h-0Dh the two alarms (stored, not acted on); 0Eh control; 0Fh status with OSF (bit 7, set at
    /// first power-up and whenever the oscillator stopped, cleared only by writing 0); 10h the aging offset (signed; each
    /// step trims about 0.1 ppm, positive slows); 11h-12h the temperature (integer °C and quarters in bits 7-6), read only.
    /// The register pointer auto-increments and wraps after 12h. A read latches all the time registers at its start, as
    /// the chip copies them to its secondary registers on the I2C START, so a read never sees a carry half done.</para>
    /// <para>Writing the seconds register restarts the one-second countdown: the chip then reads that second from the
    /// moment of the write. Time is counted from a true-time source the test gives (DateTime ticks), at a rate off by
    /// <see cref="CrystalErrorPpm"/> less 0.1 ppm per aging step. The backup cell keeps it running through a main power cut
    /// (<see cref="PowerCut"/>); without it the oscillator stops, and at the next power-up the time restarts from
    /// 1900-01-01 00:00:00 (all registers zero, as the drivers read them) with OSF set, as on first power-up.</para>
    /// </remarks>
    public sealed class Ds3231Emulator : I2cDevice
    {
        /// <summary>The chip's fixed I2C address.</summary>
        public const int Address = 0x68;

        /// <summary>Number of registers, 00h to 12h.</summary>
        public const int RegisterCount = 0x13;

        /// <summary>Aging trim per step, ppm (datasheet: typically 0.1 ppm at +25 °C).</summary>
        public const double AgingPpmPerStep = 0.1;

        private const int Control = 0x0E;
        private const int Status = 0x0F;
        private const int Aging = 0x10;
        private const int TemperatureMsb = 0x11;
        private const int TemperatureLsb = 0x12;
        private const byte OscillatorStopFlag = 0x80;
        // The chip has a century bit, not a century: like both drivers, the emulator reads (century, year) as
        // 1900 + 100 × century + year, so its first power-up (all zero) is 1900-01-01 and 1999 rolls into 2000 with the
        // bit toggling, as on the chip.
        private static readonly long PowerOnTime = new DateTime(1900, 1, 1, 0, 0, 0, DateTimeKind.Utc).Ticks;

        private readonly Func<long> _trueUtc;
        private readonly byte[] _registers = new byte[RegisterCount];
        private readonly I2cConnectionSettings _settings;
        private long _baseInternal;
        private long _baseTrue;
        private int _pointer;
        private double _crystalErrorPpm;
        private double _temperatureCelsius = 25.0;

        /// <summary>A chip at its first power-up (all time registers zero, OSF set), counting from <paramref name="trueUtcTicks"/>.</summary>
        public Ds3231Emulator(Func<long> trueUtcTicks, int busId = 1)
        {
            _trueUtc = trueUtcTicks;
            _settings = new I2cConnectionSettings(busId, Address);
            PowerOnReset();
        }

        /// <summary>How far the crystal runs fast, ppm, before the aging trim (the DS3231's TCXO holds ±2 ppm from 0 to 40 °C).</summary>
        public double CrystalErrorPpm
        {
            get => _crystalErrorPpm;
            set
            {
                Rebase();
                _crystalErrorPpm = value;
            }
        }

        /// <summary>The die temperature the chip reports, °C (quarter degrees).</summary>
        public double TemperatureCelsius
        {
            get => _temperatureCelsius;
            set
            {
                _temperatureCelsius = value;
                UpdateTemperature();
            }
        }

        /// <summary>True while the backup cell is good: the clock runs through a main power cut.</summary>
        public bool BackupCellPresent { get; set; } = true;

        /// <summary>While true, every transfer fails as a missing device does on Linux (an I/O error).</summary>
        public bool Unresponsive { get; set; }

        /// <summary>Transfers made (reads and writes).</summary>
        public int Transfers { get; private set; }

        /// <inheritdoc />
        public override I2cConnectionSettings ConnectionSettings => _settings;

        /// <summary>The chip's time now, DateTime ticks with the sub-second part of its countdown.</summary>
        public long InternalTicks
        {
            get
            {
                long now = _trueUtc();
                long elapsed = now - _baseTrue;
                double rate = (CrystalErrorPpm - (AgingOffset * AgingPpmPerStep)) * 1e-6;
                return _baseInternal + elapsed + (long)Math.Round(elapsed * rate);
            }
        }

        /// <summary>The aging register, signed.</summary>
        public int AgingOffset => (sbyte)_registers[Aging];

        /// <summary>The oscillator-stop flag.</summary>
        public bool OscillatorStopped => (_registers[Status] & OscillatorStopFlag) != 0;

        /// <summary>A register's raw value (the time registers as of now).</summary>
        public byte Register(int address)
        {
            if (address <= 6)
            {
                var time = new byte[7];
                EncodeTime(InternalTicks, time);
                return time[address];
            }

            return _registers[address];
        }

        /// <summary>Sets the chip's time directly, as if set long ago by someone else (tests of a wrong RTC).</summary>
        public void SetInternalTime(long utcTicks)
        {
            _baseInternal = utcTicks;
            _baseTrue = _trueUtc();
        }

        /// <summary>
        /// The main supply fails for <paramref name="outageTicks"/> of true time, spent by <paramref name="advance"/> (the
        /// test's clock). With the backup cell the chip keeps time; without it the oscillator stops, and power-up resets the
        /// time and sets OSF.
        /// </summary>
        public void PowerCut(Action advance)
        {
            advance();
            if (!BackupCellPresent)
            {
                PowerOnReset();
            }
        }

        /// <summary>The oscillator stops for <paramref name="stoppedTicks"/> (a brown-out on the backup): time lost, OSF set.</summary>
        public void StopOscillator(long stoppedTicks)
        {
            _baseInternal = InternalTicks - stoppedTicks;
            _baseTrue = _trueUtc();
            _registers[Status] |= OscillatorStopFlag;
        }

        /// <inheritdoc />
        public override void Read(Span<byte> buffer)
        {
            Transfer();
            var time = new byte[7];
            EncodeTime(InternalTicks, time);
            for (int i = 0; i < buffer.Length; i++)
            {
                buffer[i] = _pointer <= 6 ? time[_pointer] : _registers[_pointer];
                _pointer = (_pointer + 1) % RegisterCount;
            }
        }

        /// <inheritdoc />
        public override void Write(ReadOnlySpan<byte> buffer)
        {
            Transfer();
            if (buffer.Length == 0)
            {
                return;
            }

            _pointer = buffer[0] % RegisterCount;
            var time = new byte[7];
            long before = InternalTicks;
            EncodeTime(before, time);
            bool timeWritten = false;
            bool secondsWritten = false;
            for (int i = 1; i < buffer.Length; i++)
            {
                byte value = buffer[i];
                if (_pointer <= 6)
                {
                    time[_pointer] = value;
                    timeWritten = true;
                    secondsWritten |= _pointer == 0;
                }
                else if (_pointer == Status)
                {
                    // OSF, A2F and A1F can only be cleared by writing 0; EN32kHz is read/write; BSY is read only.
                    byte kept = (byte)(_registers[Status] & (OscillatorStopFlag | 0x03) & value);
                    _registers[Status] = (byte)(kept | (value & 0x08));
                }
                else if (_pointer != TemperatureMsb && _pointer != TemperatureLsb)
                {
                    _registers[_pointer] = value;
                }

                _pointer = (_pointer + 1) % RegisterCount;
            }

            if (timeWritten)
            {
                long whole = DecodeTime(time);
                long fraction = secondsWritten ? 0 : (before - PowerOnTime) % 10_000_000;
                _baseInternal = whole + fraction;
            }
            else
            {
                // The rate may have changed (aging): count at the new rate from here.
                _baseInternal = before;
            }

            _baseTrue = _trueUtc();
        }

        private void Rebase()
        {
            _baseInternal = InternalTicks;
            _baseTrue = _trueUtc();
        }

        /// <inheritdoc />
        public override void WriteRead(ReadOnlySpan<byte> writeBuffer, Span<byte> readBuffer)
        {
            Write(writeBuffer);
            Read(readBuffer);
        }

        /// <summary>The emulator's state, to keep it across runs of the virtual meter (its backup cell).</summary>
        public string Save() => string.Join(",", InternalTicks - _trueUtc(), Convert.ToHexString(_registers[7..]), CrystalErrorPpm.ToString("R", System.Globalization.CultureInfo.InvariantCulture));

        /// <summary>Restores <see cref="Save"/>'s state: the chip kept running on its cell since.</summary>
        public void Restore(string saved)
        {
            var parts = saved.Trim().Split(',');
            var rest = Convert.FromHexString(parts[1]);
            Array.Copy(rest, 0, _registers, 7, Math.Min(rest.Length, RegisterCount - 7));
            _crystalErrorPpm = double.Parse(parts[2], System.Globalization.CultureInfo.InvariantCulture);
            _baseTrue = _trueUtc();
            _baseInternal = _baseTrue + long.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture);
            UpdateTemperature();
        }

        private void Transfer()
        {
            if (Unresponsive)
            {
                throw new IOException("Error 121 performing I2C data transfer (emulated DS3231 not answering).");
            }

            Transfers++;
            UpdateTemperature();
        }

        private void UpdateTemperature()
        {
            int quarters = (int)Math.Round(_temperatureCelsius * 4);
            _registers[TemperatureMsb] = (byte)(sbyte)(quarters >> 2);
            _registers[TemperatureLsb] = (byte)((quarters & 3) << 6);
        }

        private void PowerOnReset()
        {
            Array.Clear(_registers);
            _registers[Control] = 0x1C;
            _registers[Status] = OscillatorStopFlag | 0x08;
            _baseInternal = PowerOnTime;
            _baseTrue = _trueUtc();
            _pointer = 0;
            UpdateTemperature();
        }

        private static void EncodeTime(long ticks, byte[] time)
        {
            var t = new DateTime(ticks, DateTimeKind.Utc);
            time[0] = Bcd(t.Second);
            time[1] = Bcd(t.Minute);
            time[2] = Bcd(t.Hour);
            time[3] = (byte)((int)t.DayOfWeek + 1);
            time[4] = Bcd(t.Day);
            time[5] = (byte)(Bcd(t.Month) | ((t.Year / 100) % 2 == 0 ? 0x80 : 0));
            time[6] = Bcd(t.Year % 100);
        }

        // The chip counts whatever it is given; a value that is not a calendar date reads back as written, so garbage
        // is kept as the nearest date the driver can still decode, like the chip's own rollover would.
        private static long DecodeTime(byte[] time)
        {
            int year = 1900 + ((time[5] & 0x80) != 0 ? 100 : 0) + Math.Min(Unbcd(time[6]), 99);
            int month = Math.Clamp(Unbcd((byte)(time[5] & 0x1F)), 1, 12);
            int day = Math.Clamp(Unbcd((byte)(time[4] & 0x3F)), 1, DateTime.DaysInMonth(year, month));
            int hour = Math.Clamp(Unbcd((byte)(time[2] & 0x3F)), 0, 23);
            int minute = Math.Clamp(Unbcd((byte)(time[1] & 0x7F)), 0, 59);
            int second = Math.Clamp(Unbcd((byte)(time[0] & 0x7F)), 0, 59);
            return new DateTime(year, month, day, hour, minute, second, DateTimeKind.Utc).Ticks;
        }

        private static byte Bcd(int value) => (byte)(((value / 10) << 4) | (value % 10));

        private static int Unbcd(byte value) => ((value >> 4) * 10) + (value & 0x0F);
    }
}
