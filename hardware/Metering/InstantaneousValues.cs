namespace AssetMeter.Hardware.Metering
{
    /// <summary>
    /// Instantaneous (non-settlement) measurements per phase, in integer milli-units so they format the same on
    /// the device and the host. Allocated once for the IC's phase count and refilled.
    /// </summary>
    public sealed class InstantaneousValues
    {
        /// <summary>Creates storage for <paramref name="phases"/> phases.</summary>
        public InstantaneousValues(int phases)
        {
            PhaseCount = phases;
            VoltageMillivolts = new int[phases];
            CurrentMilliamps = new int[phases];
            ActivePowerMilliwatts = new long[phases];
            PowerFactorThousandths = new int[phases];
        }

        /// <summary>Number of phases.</summary>
        public int PhaseCount { get; }

        /// <summary>RMS voltage per phase, mV.</summary>
        public int[] VoltageMillivolts { get; }

        /// <summary>RMS current per phase, mA.</summary>
        public int[] CurrentMilliamps { get; }

        /// <summary>Active power per phase, mW; positive is import.</summary>
        public long[] ActivePowerMilliwatts { get; }

        /// <summary>Power factor per phase, thousandths (-1000 to 1000); the sign is the direction of active power.</summary>
        public int[] PowerFactorThousandths { get; }

        /// <summary>Line frequency, mHz.</summary>
        public int FrequencyMillihertz;

        /// <summary>Total active power over all phases, mW.</summary>
        public long TotalActivePowerMilliwatts
        {
            get
            {
                long total = 0;
                for (int i = 0; i < PhaseCount; i++)
                {
                    total += ActivePowerMilliwatts[i];
                }

                return total;
            }
        }
    }
}
