"""Common French first names (folded: lower case, no accents), to tell a person's name
("Jean MARTIN", "DUPONT Marie") from an organisation's. A short, hand-made list of frequent
names: it is a hint for the "name of a natural person" detector, never a proof."""

FIRST_NAMES = frozenset("""
adam adele adrien agathe agnes alain alexandra alexandre alexis alice aline alix amandine ambre amelie
anais andre andrea angelique anne annick annie anthony antoine antonin arnaud arthur aurelie aurelien
axel baptiste basile bastien beatrice benedicte benjamin benoit bernadette bernard bertrand brigitte
bruno camille capucine carole caroline catherine cecile celine chantal charles charlotte chloe
christelle christian christiane christine christophe claire clara claude claudine clement clementine
colette coralie corinne cyril damien daniel danielle david delphine denis denise didier dominique
dylan edith elisa elise elodie eloise emile emilie emma emmanuel emmanuelle eric estelle ethan etienne
eugenie eva evelyne fabien fabienne fabrice fanny florence florian francis franck francois francoise
frederic frederique gabriel gabrielle gael gaelle genevieve georges gerard gilbert gilles ginette
gisele guillaume guy helene henri herve hugo hugues ines irene isabelle jacqueline jacques jade jean
jeanne jeannine jerome joel joelle jonathan jordan joseph josette josiane julie julien juliette justine
karine kevin laetitia laura laurence laurent lea lea leo leon leonie liliane lina lisa louis louise
luc luca lucas lucie lucien lucile lucille remy ludovic lydie madeleine maelle manon marc marcel marguerite
maria marianne marie marine mario marion marius martine mathieu mathilde matheo mathis matthieu maurice
maxime melanie michel micheline michele mickael monique morgane muriel mylene nadine nathalie nathan
nicolas nicole noah noemie oceane odette odile olivier pascal pascale patrice patricia patrick paul
paulette pauline philippe pierre quentin raphael raymond regine remi renee richard robert roger
romain romane ronan rose sabine sacha samuel sandrine sarah sebastien serge severine simon simone
solange sophie stephane stephanie suzanne sylvain sylvie theo therese thierry thomas timothee tom
valentin valerie vanessa veronique victor victoria vincent virginie xavier yann yannick yves yvette
yvonne zoe jules louna mael lou nael sandra jessica cedric gregory sylvianne fernand germaine marcelle
huguette raymonde albert alfred andree annie-claude jean-pierre jean-claude jean-luc jean-marc jean-paul
jean-louis jean-michel jean-francois marie-claude marie-france marie-christine marie-therese anne-marie
""".split())
