using System;
using System.IO;
using AssetMeter.Hardware.Ds3231.Emulator;
using FsCheck;
using FsCheck.Fluent;
using Iot.Device.Rtc;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace AssetMeter.Hardware.Tests.Ds3231
{
    /// <summary>
    /// The DS3231 register-map emulator under dotnet/iot's own driver (Iot.Device.Rtc.Ds3231, Iot.Device.Bindings 4.2.0):
    /// what the meter relies on a real chip for, checked through the real driver's reads and writes.
    /// </summary>
    [TestClass]
    public class Ds3231EmulatorTests
    {
        private const long Second = 10_000_000;
        private static readonly long Start = new DateTime(2026, 11, 23, 12, 0, 0, DateTimeKind.Utc).Ticks + 3_000_000;

        private long _trueUtc = Start;

        private Ds3231Emulator NewChip() => new(() => _trueUtc);

        [TestMethod]
        public void The_driver_sets_the_time_and_reads_it_back_as_it_advances()
        {
            var chip = NewChip();
            using var driver = new Iot.Device.Rtc.Ds3231(chip);
            var set = new DateTime(2026, 11, 23, 12, 0, 0);
            driver.RtcDateTime = set;
            Assert.AreEqual(set, driver.RtcDateTime);
            _trueUtc += 90 * Second;
            Assert.AreEqual(set.AddSeconds(90), driver.RtcDateTime);

            // Across a month, a year and a leap day, in BCD with the century bit the driver sets for 20xx.
            driver.RtcDateTime = new DateTime(2028, 2, 28, 23, 59, 59);
            _trueUtc += 1 * Second;
            Assert.AreEqual(new DateTime(2028, 2, 29, 0, 0, 0), driver.RtcDateTime);
            Assert.AreEqual(0x80 | 0x02, chip.Register(5), "month 02 with the century bit");
            Assert.AreEqual(0x28, chip.Register(6), "year 28 in BCD");
        }

        [TestMethod]
        public void Writing_the_seconds_restarts_the_countdown()
        {
            var chip = NewChip();
            using var driver = new Iot.Device.Rtc.Ds3231(chip);
            driver.RtcDateTime = new DateTime(2026, 11, 23, 12, 0, 0);
            _trueUtc += 9_999_999;
            Assert.AreEqual(new DateTime(2026, 11, 23, 12, 0, 0), driver.RtcDateTime, "just under a second after the write");
            _trueUtc += 1;
            Assert.AreEqual(new DateTime(2026, 11, 23, 12, 0, 1), driver.RtcDateTime, "a second after the write");
        }

        [TestMethod]
        public void A_first_power_up_has_the_oscillator_stop_flag_and_no_time()
        {
            var chip = NewChip();
            using var driver = new Iot.Device.Rtc.Ds3231(chip);
            Assert.AreEqual(0x80, StatusRegister(chip) & 0x80, "OSF set at first power-up");
            Assert.AreEqual(new DateTime(1900, 1, 1), driver.RtcDateTime, "all-zero time registers as the driver reads them");

            // Setting the time does not clear OSF (the driver has no API for it): only writing 0 to it does.
            driver.RtcDateTime = new DateTime(2026, 11, 23, 12, 0, 0);
            Assert.IsTrue(chip.OscillatorStopped);
            chip.Write(new byte[] { 0x0F, (byte)(StatusRegister(chip) & 0x7F) });
            Assert.IsFalse(chip.OscillatorStopped);
        }

        [TestMethod]
        public void The_backup_cell_keeps_time_through_a_cut_and_without_it_the_time_is_lost_and_flagged()
        {
            var chip = NewChip();
            using var driver = new Iot.Device.Rtc.Ds3231(chip);
            driver.RtcDateTime = new DateTime(2026, 11, 23, 12, 0, 0);
            chip.Write(new byte[] { 0x0F, 0x00 });
            chip.PowerCut(() => _trueUtc += 3600 * Second);
            Assert.AreEqual(new DateTime(2026, 11, 23, 13, 0, 0), driver.RtcDateTime);
            Assert.IsFalse(chip.OscillatorStopped);

            chip.BackupCellPresent = false;
            chip.PowerCut(() => _trueUtc += 3600 * Second);
            Assert.IsTrue(chip.OscillatorStopped);
            Assert.AreEqual(new DateTime(1900, 1, 1), driver.RtcDateTime);
        }

        [TestMethod]
        public void The_crystal_drifts_and_the_aging_offset_trims_it()
        {
            var chip = NewChip();
            chip.CrystalErrorPpm = 10;
            using var driver = new Iot.Device.Rtc.Ds3231(chip);
            driver.RtcDateTime = new DateTime(2026, 11, 1);
            _trueUtc += 10L * 86400 * Second;
            Assert.AreEqual(new DateTime(2026, 11, 11, 0, 0, 8), driver.RtcDateTime, "10 ppm gains 8.64 s in 10 days");

            // +50 steps of 0.1 ppm slow it by 5 ppm from the write on.
            chip.Write(new byte[] { 0x10, 50 });
            Assert.AreEqual(50, chip.AgingOffset);
            driver.RtcDateTime = new DateTime(2026, 11, 11);
            _trueUtc += 10L * 86400 * Second;
            Assert.AreEqual(new DateTime(2026, 11, 21, 0, 0, 4), driver.RtcDateTime, "5 ppm gains 4.32 s in 10 days");
        }

        [TestMethod]
        public void The_driver_reads_the_temperature_in_quarter_degrees()
        {
            var chip = NewChip();
            chip.TemperatureCelsius = 31.25;
            using var driver = new Iot.Device.Rtc.Ds3231(chip);
            Assert.AreEqual(31.25, driver.Temperature.DegreesCelsius, 1e-9);

            // The chip's MSB is two's complement; dotnet/iot 4.2.0 adds it as an unsigned byte, so below 0 °C the
            // driver reads 256 too high (-4.75 °C as 251.25). The meter's adapter corrects it (firmware/Host/Ds3231Clock).
            chip.TemperatureCelsius = -4.75;
            Assert.AreEqual(0xFB, chip.Register(0x11));
            Assert.AreEqual(0x40, chip.Register(0x12));
            Assert.AreEqual(-4.75 + 256, driver.Temperature.DegreesCelsius, 1e-9);
        }

        [TestMethod]
        public void A_chip_that_does_not_answer_fails_the_transfer_as_on_linux()
        {
            var chip = NewChip();
            chip.Unresponsive = true;
            using var driver = new Iot.Device.Rtc.Ds3231(chip);
            Assert.ThrowsExactly<IOException>(() => _ = driver.RtcDateTime);
        }

        [TestMethod]
        public void Any_time_set_through_the_driver_reads_back_exactly()
        {
            Prop.ForAll(Gen.Choose(0, (int)((new DateTime(2099, 12, 31).Ticks - new DateTime(2000, 1, 1).Ticks) / Second / 60)).ToArbitrary(), minutes =>
            {
                var chip = NewChip();
                using var driver = new Iot.Device.Rtc.Ds3231(chip);
                var time = new DateTime(2000, 1, 1).AddMinutes(minutes).AddSeconds(minutes % 60);
                driver.RtcDateTime = time;
                return driver.RtcDateTime == time;
            }).QuickCheckThrowOnFailure();
        }

        private static int StatusRegister(Ds3231Emulator chip)
        {
            var value = new byte[1];
            chip.WriteRead(new byte[] { 0x0F }, value);
            return value[0];
        }
    }
}
