using System;
using System.Collections.Generic;
using System.Numerics;
using AssetMeter.Metrology.Energy;
using AssetMeter.Metrology.Periods;
using FsCheck;
using FsCheck.Fluent;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace AssetMeter.Metrology.Tests
{
    /// <summary>
    /// The law the whole meter rests on: over a simulated year of random read schedules, register wraps, sign
    /// changes, clock steps and period boundaries, every register count fed in lands in exactly one period,
    /// and every period chains to the next.
    /// </summary>
    [TestClass]
    public class ConservationProperties
    {
        private const long Second = UtcPeriods.TicksPerSecond;
        private const long Period = UtcPeriods.TicksPerPeriod;
        private static readonly long YearStart = new DateTime(2027, 1, 1, 0, 0, 0, DateTimeKind.Utc).Ticks;
        private static readonly long YearEnd = new DateTime(2028, 1, 1, 0, 0, 0, DateTimeKind.Utc).Ticks;

        public sealed record Scenario(RegisterKind Kind, long ScaleNumerator, long ScaleDenominator, long StartOffsetTicks, int Seed, bool ClockSteps)
        {
            public override string ToString() =>
                $"{Kind} scale {ScaleNumerator}/{ScaleDenominator} µWh/count, start +{StartOffsetTicks} ticks, seed {Seed}, clock steps {ClockSteps}";
        }

        private static Arbitrary<Scenario> Scenarios()
        {
            var gen =
                from kind in Gen.Elements(RegisterKind.Unsigned16ClearOnRead, RegisterKind.Signed24Accumulating, RegisterKind.Signed24ClearOnRead)
                from numerator in Gen.Choose(1, 50000)
                from denominator in Gen.Choose(1, 997)
                from offset in Gen.Choose(0, 1799)
                from seed in Gen.Choose(0, int.MaxValue - 1)
                from steps in Gen.Elements(false, true)
                select new Scenario(kind, numerator, denominator, offset * Second, seed, steps);
            return gen.ToArbitrary();
        }

        [TestMethod]
        public void Every_count_lands_in_exactly_one_period_and_periods_chain_over_a_year()
        {
            Prop.ForAll(Scenarios(), scenario => RunYear(scenario))
                .Check(Config.QuickThrowOnFailure.WithMaxTest(40));
        }

        private static bool RunYear(Scenario scenario)
        {
            var random = new Random(scenario.Seed);
            var scale = new EnergyScale(scenario.ScaleNumerator, scenario.ScaleDenominator);
            var decoder = new EnergyDeltaDecoder(scenario.Kind, scale, EnergyDeltaDecoder.Type5MaximumDemandWatts);
            var importRegister = new EnergyRegister(scale, 0);
            var exportRegister = new EnergyRegister(scale, 0);
            var periods = new List<HalfHourPeriod>();
            var ledger = new HalfHourLedger(new ListSink(periods));

            long utc = YearStart + scenario.StartOffsetTicks;
            ledger.Start(utc, 0, 0, PeriodFlags.None);
            long trueImport = 0;
            long trueExport = 0;
            long decodedImport = 0;
            long decodedExport = 0;
            int accumulatorRaw = random.Next(0, 0x1000000);
            if (scenario.Kind == RegisterKind.Signed24Accumulating)
            {
                decoder.DecodeSigned24(accumulatorRaw, 0);
            }

            while (utc < YearEnd)
            {
                long elapsed = NextInterval(random, utc);
                utc += elapsed;

                // The most a Type 5 asset could really have measured in the interval, within the register's width.
                long cap = scale.CountsFor(EnergyDeltaDecoder.Type5MaximumDemandWatts, elapsed);
                long width = scenario.Kind == RegisterKind.Unsigned16ClearOnRead ? 0xFFFF : 0x7FFFFF;
                long most = Math.Min(cap, width);
                EnergyDelta delta;
                switch (scenario.Kind)
                {
                    case RegisterKind.Unsigned16ClearOnRead:
                        long forward = RandomCounts(random, most);
                        long reverse = random.Next(4) == 0 ? RandomCounts(random, most) : 0;
                        trueImport += forward;
                        trueExport += reverse;
                        delta = decoder.DecodeUnsigned16Pair((int)forward, (int)reverse, elapsed);
                        break;
                    default:
                        long net = RandomCounts(random, most) * (random.Next(3) == 0 ? -1 : 1);
                        if (net >= 0)
                        {
                            trueImport += net;
                        }
                        else
                        {
                            trueExport -= net;
                        }

                        int raw;
                        if (scenario.Kind == RegisterKind.Signed24Accumulating)
                        {
                            accumulatorRaw = (int)((accumulatorRaw + net) & 0xFFFFFF);
                            raw = accumulatorRaw;
                        }
                        else
                        {
                            raw = (int)(net & 0xFFFFFF);
                        }

                        delta = decoder.DecodeSigned24(raw, elapsed);
                        break;
                }

                if (delta.Status != DeltaStatus.Accepted)
                {
                    throw new InvalidOperationException($"a plausible delta was refused: {delta.Status} at {new DateTime(utc, DateTimeKind.Utc):O}");
                }

                decodedImport += delta.ImportCounts;
                decodedExport += delta.ExportCounts;
                long importUwh = importRegister.AddCounts(delta.ImportCounts);
                long exportUwh = exportRegister.AddCounts(delta.ExportCounts);

                if (scenario.ClockSteps && random.Next(2000) == 0)
                {
                    // A clock step: forward or back by up to ten minutes, measured energy still recorded.
                    long step = random.Next(-600, 601) * Second;
                    ledger.Record(utc, importUwh, exportUwh, PeriodFlags.None);
                    ledger.StepClock(Math.Max(utc + step, YearStart));
                    utc = Math.Max(ledger.LastTicks, utc + step);
                }
                else
                {
                    ledger.Record(utc, importUwh, exportUwh, PeriodFlags.None);
                }
            }

            // To the register count: what was decoded is exactly what was fed in.
            Assert.AreEqual(trueImport, decodedImport, "import counts");
            Assert.AreEqual(trueExport, decodedExport, "export counts");

            // Every µWh of the exact conversion is in the periods: closed ones plus the one still open.
            long expectedImport = (long)(new BigInteger(trueImport) * scenario.ScaleNumerator / scenario.ScaleDenominator);
            long expectedExport = (long)(new BigInteger(trueExport) * scenario.ScaleNumerator / scenario.ScaleDenominator);
            long periodImport = ledger.OpenPeriod.ImportMicrowattHours;
            long periodExport = ledger.OpenPeriod.ExportMicrowattHours;
            foreach (var period in periods)
            {
                periodImport += period.ImportMicrowattHours;
                periodExport += period.ExportMicrowattHours;
            }

            Assert.AreEqual(expectedImport, periodImport, "import µWh in periods");
            Assert.AreEqual(expectedExport, periodExport, "export µWh in periods");
            Assert.AreEqual(expectedImport, ledger.ImportMicrowattHours, "import register");

            // Chained and contiguous: each period starts where the previous ended, in time and in registers.
            Assert.IsTrue(periods.Count >= 17000, "a year has about 17,520 periods");
            for (int i = 0; i < periods.Count; i++)
            {
                var next = i + 1 < periods.Count ? periods[i + 1] : ledger.OpenPeriod;
                Assert.IsTrue(UtcPeriods.IsBoundary(periods[i].StartTicks));
                Assert.AreEqual(periods[i].StartTicks + Period, next.StartTicks, "contiguous in time");
                Assert.AreEqual(periods[i].ImportEndMicrowattHours, next.ImportStartMicrowattHours, "import chain");
                Assert.AreEqual(periods[i].ExportEndMicrowattHours, next.ExportStartMicrowattHours, "export chain");
                Assert.IsTrue(periods[i].ImportMicrowattHours >= 0 && periods[i].ExportMicrowattHours >= 0);
            }

            return true;
        }

        // A mix of schedules: the 1-second poll, ragged gaps, reads landing exactly on boundaries, and gaps of
        // several hours that span many boundaries.
        private static long NextInterval(Random random, long utc)
        {
            switch (random.Next(10))
            {
                case 0:
                    return (Period - (utc % Period)) == 0 ? Period : Period - (utc % Period);
                case 1:
                    return random.Next(1, 4 * 3600) * Second;
                case 2:
                    return random.Next(1, 10000);
                default:
                    return random.Next(1, 3600) * Second + random.Next(0, (int)Second);
            }
        }

        private static long RandomCounts(Random random, long most)
        {
            if (most <= 0)
            {
                return 0;
            }

            return random.Next(5) switch
            {
                0 => 0,
                1 => most,
                _ => random.NextInt64(0, most + 1),
            };
        }

        private sealed class ListSink : IPeriodSink
        {
            private readonly List<HalfHourPeriod> _periods;

            public ListSink(List<HalfHourPeriod> periods) => _periods = periods;

            public void OnPeriodClosed(HalfHourPeriod period) => _periods.Add(period);
        }
    }
}
