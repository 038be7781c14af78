"""PDMS rent arrears module: weekly arrears reports into segments, trends and caseloads."""
