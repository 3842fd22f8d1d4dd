using System;
using AssetMeter.Firmware.Clock;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace AssetMeter.Firmware.Tests.Clock
{
    [TestClass]
    public class ClockDisciplineTests
    {
        private const long Second = TimeSpan.TicksPerSecond;
        private const long Millisecond = TimeSpan.TicksPerMillisecond;
        private static readonly long Epoch = new DateTime(2026, 11, 23, 0, 0, 0, DateTimeKind.Utc).Ticks;

        // A sample as a server at true UTC would give, for a monotonic counter that runs `ppm` fast.
        private static SntpSample Sample(long trueElapsed, double ppm, long jitter, long delay)
        {
            long monotonic = (long)(trueElapsed * (1 + (ppm / 1e6)));
            return new SntpSample
            {
                MonotonicTicks = monotonic,
                UtcMinusMonotonicTicks = Epoch + trueElapsed - monotonic + jitter,
                DelayTicks = delay,
                Stratum = 2,
            };
        }

        [TestMethod]
        public void A_clock_started_from_the_rtc_is_degraded_until_a_sample_slews_or_steps_it()
        {
            var clock = new ClockDiscipline();
            clock.SetFromRealTimeClock(10 * Second, Epoch + (10 * Second) + (40 * Millisecond), 1100 * Millisecond);
            Assert.IsTrue(clock.IsKnown);
            Assert.AreEqual(ClockQuality.Degraded, clock.Quality(10 * Second));
            Assert.AreEqual(1100 * Millisecond, clock.ErrorBoundTicks(10 * Second));
            Assert.AreEqual(1100 * Millisecond + (15 * 3600 * 10), clock.ErrorBoundTicks(3610 * Second), "the bound grows at the wander rate");

            // A sample 40 ms from the RTC's time: slewed, not stepped (the RTC's time was a time, not nothing).
            Assert.AreEqual(ClockAdjustment.Slewed, clock.Apply(Sample(3600 * Second, 0, 0, Millisecond), out _, out _));
            Assert.IsFalse(clock.IsFromRealTimeClock);

            var far = new ClockDiscipline();
            far.SetFromRealTimeClock(10 * Second, Epoch + (10 * Second) + (600 * Second), 1100 * Millisecond);
            Assert.AreEqual(ClockAdjustment.Stepped, far.Apply(Sample(60 * Second, 0, 0, Millisecond), out long before, out long after));
            Assert.AreEqual(-600 * Second, after - before, Millisecond);
            Assert.AreEqual(ClockQuality.Synchronised, far.Quality(61 * Second));
        }

        [TestMethod]
        public void First_sample_steps_then_small_offsets_are_slewed()
        {
            var clock = new ClockDiscipline();
            Assert.AreEqual(ClockQuality.Unsynchronised, clock.Quality(0));
            Assert.AreEqual(ClockAdjustment.Stepped, clock.Apply(Sample(10 * Second, 0, 0, Millisecond), out _, out _));
            Assert.AreEqual(ClockQuality.Synchronised, clock.Quality(11 * Second));

            // 30 ms off: slewed at 500 ppm, so done within 60 s, and the clock never jumps.
            var sample = Sample(74 * Second, 0, 30 * Millisecond, Millisecond);
            Assert.AreEqual(ClockAdjustment.Slewed, clock.Apply(sample, out _, out _));
            long previous = clock.UtcTicks(sample.MonotonicTicks);
            for (long t = sample.MonotonicTicks; t < sample.MonotonicTicks + (120 * Second); t += 100 * Millisecond)
            {
                long reading = clock.UtcTicks(t);
                // At most the slew rate plus the largest frequency correction: 1000 ppm of the interval.
                Assert.IsTrue(reading - previous <= (100 * Millisecond) + (100 * Millisecond * 1000 / 1_000_000), "no jump forward");
                Assert.IsTrue(reading > previous || t == sample.MonotonicTicks, "never back");
                previous = reading;
            }

            // The offset is slewed out; the frequency loop may have moved by at most 20 ppm meanwhile (2.4 ms in 120 s).
            long after = sample.MonotonicTicks + (120 * Second);
            Assert.IsTrue(Math.Abs(clock.UtcTicks(after) - (Epoch + after + (30 * Millisecond))) <= 3 * Millisecond);
        }

        [TestMethod]
        [DataRow(-10)]
        [DataRow(10)]
        public void A_ten_minute_error_is_stepped(int minutes)
        {
            var clock = new ClockDiscipline();
            clock.Apply(Sample(10 * Second, 0, 0, Millisecond), out _, out _);
            var sample = Sample(100 * Second, 0, minutes * 60 * Second, Millisecond);
            Assert.AreEqual(ClockAdjustment.Stepped, clock.Apply(sample, out long before, out long after));
            Assert.AreEqual(minutes * 60 * Second, after - before);
            Assert.AreEqual(Epoch + (100 * Second) + (minutes * 60 * Second), clock.UtcTicks(100 * Second));
        }

        [TestMethod]
        [DataRow(100.0)]
        [DataRow(-80.0)]
        public void A_crystal_off_by_tens_of_ppm_is_held_within_the_50_ms_bound(double ppm)
        {
            var clock = new ClockDiscipline();
            var random = new Random(3);
            long worst = 0;
            for (long t = 10 * Second; t < 6 * 3600 * Second; t += 64 * Second)
            {
                var sample = Sample(t, ppm, random.Next(-2000, 2001) * 10, random.Next(2, 30) * 100);
                clock.Apply(sample, out _, out _);
                if (t > 1800 * Second)
                {
                    // Check the reading all through the next poll interval against true time.
                    for (long dt = 0; dt < 64 * Second; dt += 8 * Second)
                    {
                        long trueElapsed = t + dt;
                        long monotonic = (long)(trueElapsed * (1 + (ppm / 1e6)));
                        long error = Math.Abs(clock.UtcTicks(monotonic) - (Epoch + trueElapsed));
                        worst = Math.Max(worst, error);
                        Assert.AreEqual(ClockQuality.Synchronised, clock.Quality(monotonic));
                    }
                }
            }

            Assert.IsTrue(worst < ClockDiscipline.SynchronisedBoundTicks, $"worst error {worst / 10_000.0} ms");
            // The estimate wanders with the 2 ms jitter; it must stay within the 15 ppm the error bound allows for.
            Assert.IsTrue(Math.Abs((clock.FrequencyPpb / 1000.0) + ppm) < ClockDiscipline.WanderPpm, $"frequency estimate {clock.FrequencyPpb} ppb for {ppm} ppm");
        }

        [TestMethod]
        public void Without_samples_the_bound_grows_into_holdover_then_degraded()
        {
            var clock = new ClockDiscipline();
            clock.Apply(Sample(10 * Second, 0, 0, Millisecond), out _, out _);
            Assert.AreEqual(ClockQuality.Synchronised, clock.Quality(20 * Second));
            Assert.AreEqual(ClockQuality.Holdover, clock.Quality(2 * 3600 * Second));
            Assert.AreEqual(ClockQuality.Degraded, clock.Quality(30 * 3600 * Second));
        }

        [TestMethod]
        public void A_collector_setting_is_a_step_and_a_provisional_time_is_degraded()
        {
            var clock = new ClockDiscipline();
            clock.SetProvisional(5 * Second, Epoch);
            Assert.IsTrue(clock.IsKnown);
            Assert.AreEqual(ClockQuality.Degraded, clock.Quality(6 * Second));

            clock.Set(10 * Second, Epoch - (600 * Second), 10 * Millisecond, out long before);
            Assert.AreEqual(Epoch + (5 * Second), before);
            Assert.AreEqual(Epoch - (600 * Second) + Second, clock.UtcTicks(11 * Second));
            Assert.AreEqual(ClockQuality.Synchronised, clock.Quality(11 * Second));
        }
    }
}
