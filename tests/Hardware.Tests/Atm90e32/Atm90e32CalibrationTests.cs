using AssetMeter.Hardware.Atm90e32;
using AssetMeter.Hardware.Emulation;
using AssetMeter.Hardware.Metering;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using Driver = AssetMeter.Hardware.Atm90e32.Atm90e32;

namespace AssetMeter.Hardware.Tests.Atm90e32
{
    [TestClass]
    public sealed class Atm90e32CalibrationTests
    {
        [TestMethod]
        public void EncodingsMatchTheDocumentedRegisterUnits()
        {
            Assert.AreEqual(1638, Atm90e32Calibration.GainCountsFor(1.05), "5% = 0.05 x 2^15");
            Assert.AreEqual(-1638, Atm90e32Calibration.GainCountsFor(0.95));
            Assert.AreEqual(1.0 + (1.0 / 32768), Atm90e32Calibration.GainFactorOf(1));
            Assert.AreEqual(228, Atm90e32Calibration.PhiCountsFor(2.0, 50), "2 degrees at 50 Hz = 111 us = 227.6 cycles of 2.048 MHz");
            Assert.AreEqual(0.0087890625, Atm90e32Calibration.PhaseDegreesOf(1, 50), 1e-15);
            Assert.AreEqual(-384, Atm90e32Calibration.OffsetCountsFor(-1.5), "1/256 W per count");
            Assert.AreEqual(int.MinValue, Atm90e32Calibration.GainCountsFor(double.NaN), "nonsense never becomes a plausible register value");
        }

        [TestMethod]
        public void CorrectedChangesOnlyTheNamedPhaseAndMovesTheVersionOn()
        {
            var nominal = Atm90e32Calibration.Nominal();
            var correction = new CalibrationCorrection { GainFactor = 0.95, PhaseDegrees = -2.0, OffsetWatts = -1.5 };

            var next = new Atm90e32Bench().Driver.Corrected(nominal, 1, correction);

            Assert.AreEqual(nominal.Version + 1, next.Version);
            var b = Atm90e32Register.Phase(1);
            Assert.AreEqual(-1638, Value(next, b.PQGain));
            Assert.AreEqual(-228, Value(next, b.Phi));
            Assert.AreEqual(-384, Value(next, b.POffset));
            Assert.AreEqual(Atm90e32ReferenceBoard.NominalUgain, Value(next, b.Ugain));
            foreach (int phase in new[] { 0, 2 })
            {
                var other = Atm90e32Register.Phase(phase);
                Assert.AreEqual(0, Value(next, other.PQGain));
                Assert.AreEqual(0, Value(next, other.Phi));
                Assert.AreEqual(0, Value(next, other.POffset));
            }
        }

        [TestMethod]
        public void CorrectionsComposeGainsMultiplyPhasesAndOffsetsAdd()
        {
            var first = Atm90e32Calibration.Corrected(null, 0, new CalibrationCorrection { GainFactor = 1.02, PhaseDegrees = 1.0, OffsetWatts = 0.5 });
            var second = Atm90e32Calibration.Corrected(first, 0, new CalibrationCorrection { GainFactor = 1.01, PhaseDegrees = 0.5, OffsetWatts = 0.25 });

            var a = Atm90e32Register.Phase(0);
            Assert.AreEqual(1.0302, Atm90e32Calibration.GainFactorOf(Value(second, a.PQGain)), 1.0 / 32768);
            Assert.AreEqual(1.5, Atm90e32Calibration.PhaseDegreesOf(Value(second, a.Phi), 50), 0.009);
            Assert.AreEqual(0.75, Atm90e32Calibration.OffsetWattsOf(Value(second, a.POffset)), 1.0 / 256);
        }

        [TestMethod]
        public void TheEmulatorDecodesWhatTheDriverWrites()
        {
            var bench = Atm90e32EnergyTests.Started();
            var record = bench.Driver.Corrected(bench.Driver.Calibration, 1, new CalibrationCorrection { GainFactor = 0.95, PhaseDegrees = -2.0, OffsetWatts = -1.5 });

            Assert.AreEqual(IcStatus.Ok, bench.Driver.ApplyCalibration(record));

            var b = bench.Chip.CalibrationTermsOf(1);
            Assert.AreEqual(0.95, b.GainFactor, 1.0 / 32768);
            Assert.AreEqual(-2.0, b.PhaseDegrees, 0.0045);
            Assert.AreEqual(-1.5, b.OffsetWatts, 1.0 / 512);
            Assert.AreEqual(ChipCalibrationTerms.Nominal, bench.Chip.CalibrationTermsOf(0));
            Assert.AreEqual(ChipCalibrationTerms.Nominal, bench.Chip.CalibrationTermsOf(2));
            Assert.AreSame(record, bench.Driver.Calibration);
            Assert.AreEqual(IcStatus.Ok, bench.Driver.CheckHealth(), "the driver expects the new digest");
        }

        [TestMethod]
        public void ARecordSurvivesStorageAndStartsAnotherMeterIdentically()
        {
            var bench = Atm90e32EnergyTests.Started();
            var record = bench.Driver.Corrected(bench.Driver.Calibration, 2, new CalibrationCorrection { GainFactor = 1.031, PhaseDegrees = 0.7, OffsetWatts = 0.9 });
            Assert.AreEqual(IcStatus.Ok, bench.Driver.ApplyCalibration(record));

            byte[] stored = bench.Driver.Calibration.ToBytes();
            var restored = CalibrationRecord.ReadFrom(stored, 0, stored.Length);

            Assert.IsNotNull(restored);
            Assert.IsTrue(restored.SameRegistersAs(record));
            Assert.AreEqual(record.Version, restored.Version);
            Assert.AreEqual(Driver.Code, restored.PartCode);

            var other = new Atm90e32Bench();
            var driver = new Driver(other.FaultBus, other.Clock, restored);
            Assert.AreEqual(IcStatus.Ok, driver.Start());
            Assert.AreEqual(bench.Chip.Peek(Atm90e32Register.CRCDigest), other.Chip.Peek(Atm90e32Register.CRCDigest), "same registers, same digest");
            Assert.AreEqual(bench.Chip.CalibrationTermsOf(2), other.Chip.CalibrationTermsOf(2));
        }

        [TestMethod]
        public void ATamperedRecordIsRefusedAndTheCalibrationInForceStays()
        {
            var bench = Atm90e32EnergyTests.Started();
            var record = bench.Driver.Corrected(bench.Driver.Calibration, 0, new CalibrationCorrection { GainFactor = 1.01, PhaseDegrees = 0.0, OffsetWatts = 0.0 });
            byte[] stored = record.ToBytes();
            stored[20] ^= 0x01;
            var inForce = bench.Driver.Calibration;
            int digest = bench.Chip.Peek(Atm90e32Register.CRCDigest);

            var damaged = CalibrationRecord.ReadFrom(stored, 0, stored.Length);

            Assert.IsNull(damaged, "the stored form's CRC-32 catches the change");
            Assert.AreEqual(IcStatus.InvalidCalibration, bench.Driver.ApplyCalibration(damaged!));
            Assert.AreSame(inForce, bench.Driver.Calibration);
            Assert.AreEqual(digest, bench.Chip.Peek(Atm90e32Register.CRCDigest), "nothing was written");
            Assert.AreEqual(IcStatus.InvalidCalibration, bench.Driver.LastFault.Status);
        }

        [TestMethod]
        public void ARecordForAnotherPartIsRefused()
        {
            var bench = Atm90e32EnergyTests.Started();
            var foreign = new CalibrationRecord(0x53, 4);
            var nominal = Atm90e32Calibration.Nominal();
            for (int i = 0; i < nominal.Count; i++)
            {
                foreign.Set(nominal.AddressAt(i), nominal.ValueAt(i));
            }

            Assert.AreEqual(IcStatus.InvalidCalibration, bench.Driver.ApplyCalibration(foreign));
        }

        [TestMethod]
        public void ACorrectionBeyondTheRegisterRangeIsRefusedNamingTheRegister()
        {
            var bench = Atm90e32EnergyTests.Started();
            var record = bench.Driver.Corrected(bench.Driver.Calibration, 2, new CalibrationCorrection { GainFactor = 1.8, PhaseDegrees = 0.0, OffsetWatts = 0.0 });

            Assert.AreEqual(IcStatus.InvalidCalibration, bench.Driver.ApplyCalibration(record));
            Assert.AreEqual(Atm90e32Register.PQGainC, bench.Driver.LastFault.Register);
        }

        [TestMethod]
        public void AnIncompleteRecordIsRefused()
        {
            var bench = Atm90e32EnergyTests.Started();
            var partial = new CalibrationRecord(Driver.Code, 1);
            partial.Set(Atm90e32Register.PQGainA, 10);

            Assert.AreEqual(IcStatus.InvalidCalibration, bench.Driver.ApplyCalibration(partial));
        }

        [TestMethod]
        public void AStoredRecordThatIsInvalidStopsTheStart()
        {
            var bench = new Atm90e32Bench();
            var bad = Atm90e32Calibration.Nominal();
            bad.Set(Atm90e32Register.UgainB, 0);
            var driver = new Driver(bench.FaultBus, bench.Clock, bad);

            Assert.AreEqual(IcStatus.InvalidCalibration, driver.Start());
            Assert.AreEqual(Atm90e32Register.UgainB, driver.LastFault.Register);
        }

        [TestMethod]
        public void CalibrationAppliedBeforeStartIsWrittenByTheStart()
        {
            var bench = new Atm90e32Bench();
            var record = Atm90e32Calibration.Corrected(null, 0, new CalibrationCorrection { GainFactor = 1.02, PhaseDegrees = 0.0, OffsetWatts = 0.0 });

            Assert.AreEqual(IcStatus.Ok, bench.Driver.ApplyCalibration(record));

            Assert.IsTrue(bench.Driver.IsStarted);
            Assert.AreEqual(1.02, bench.Chip.CalibrationTermsOf(0).GainFactor, 1.0 / 32768);
        }

        private static int Value(CalibrationRecord record, int address)
        {
            Assert.IsTrue(record.TryGet(address, out int value));
            return value;
        }
    }
}
