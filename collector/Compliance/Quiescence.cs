using System;
using AssetMeter.Collector.Engine;

namespace AssetMeter.Collector.Compliance
{
    /// <summary>
    /// When a simulation may move its clock on: nothing waits to be stored by the collector, no meter has anything
    /// queued for the broker, and every command the collector published has been answered and the answer stored (or was published long
    /// enough ago, in real time, to count as lost: a meter without power never receives it).
    /// </summary>
    public static class Quiescence
    {
        /// <summary>How often the collector supervises in a simulation (often, because simulated time runs fast).</summary>
        public static readonly TimeSpan SupervisionInterval = TimeSpan.FromMilliseconds(5);

        private const long LostAfterMilliseconds = 300;

        public static bool Quiet(CollectorService collector, VirtualFleet fleet)
        {
            if (collector.Pending > 0 || !fleet.MetersQuiet())
            {
                return false;
            }

            // Each command is answered: wait for the answer to be stored, so a round trip costs no simulated time.
            return collector.Counters.CommandsSent <= collector.Counters.Replies
                || Environment.TickCount64 - collector.Counters.LastCommandTick > LostAfterMilliseconds;
        }
    }
}
