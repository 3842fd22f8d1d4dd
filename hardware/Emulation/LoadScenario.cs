using System;
using System.Collections.Generic;

namespace AssetMeter.Hardware.Emulation
{
    /// <summary>
    /// The load on an emulated meter over simulated time: piecewise constant per phase, so true energy can be
    /// integrated exactly by splitting time at the change points.
    /// </summary>
    public sealed class LoadScenario
    {
        private readonly List<(double Start, PhaseLoad[] Phases)> _segments = new();

        /// <summary>Creates a scenario for <paramref name="phases"/> phases, idle at nominal voltage until told otherwise.</summary>
        public LoadScenario(int phases, double nominalVoltage = 230.0)
        {
            PhaseCount = phases;
            var idle = new PhaseLoad[phases];
            Array.Fill(idle, PhaseLoad.Idle(nominalVoltage));
            _segments.Add((0.0, idle));
        }

        public int PhaseCount { get; }

        /// <summary>Ambient temperature of the meter, °C (for the drift model).</summary>
        public Func<double, double> TemperatureCelsius { get; set; } = _ => 23.0;

        /// <summary>From <paramref name="startSeconds"/> on, every phase carries <paramref name="load"/>.</summary>
        public LoadScenario From(double startSeconds, PhaseLoad load)
        {
            var phases = new PhaseLoad[PhaseCount];
            Array.Fill(phases, load);
            return From(startSeconds, phases);
        }

        /// <summary>From <paramref name="startSeconds"/> on, the phases carry <paramref name="phases"/>.</summary>
        public LoadScenario From(double startSeconds, PhaseLoad[] phases)
        {
            if (phases.Length != PhaseCount)
            {
                throw new ArgumentException("one load per phase", nameof(phases));
            }

            if (startSeconds < _segments[^1].Start)
            {
                throw new ArgumentException("segments must be added in time order", nameof(startSeconds));
            }

            if (startSeconds == _segments[^1].Start)
            {
                _segments[^1] = (startSeconds, (PhaseLoad[])phases.Clone());
            }
            else
            {
                _segments.Add((startSeconds, (PhaseLoad[])phases.Clone()));
            }

            return this;
        }

        /// <summary>The load on <paramref name="phase"/> at <paramref name="seconds"/>.</summary>
        public PhaseLoad At(double seconds, int phase) => SegmentAt(seconds).Phases[phase];

        /// <summary>The first change point strictly after <paramref name="seconds"/>, or +infinity.</summary>
        public double NextChangeAfter(double seconds)
        {
            int next = IndexAt(seconds) + 1;
            return next < _segments.Count ? _segments[next].Start : double.PositiveInfinity;
        }

        private (double Start, PhaseLoad[] Phases) SegmentAt(double seconds) => _segments[IndexAt(seconds)];

        // The last segment starting at or before `seconds` (the first one for earlier times), by binary search: the
        // emulator asks twice per simulated step, and a year of daily load changes has thousands of segments.
        private int IndexAt(double seconds)
        {
            int low = 0;
            int high = _segments.Count - 1;
            while (low < high)
            {
                int middle = (low + high + 1) / 2;
                if (_segments[middle].Start <= seconds)
                {
                    low = middle;
                }
                else
                {
                    high = middle - 1;
                }
            }

            return low;
        }
    }
}
